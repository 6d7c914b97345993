"""Working fakes of the services Assay talks to."""
