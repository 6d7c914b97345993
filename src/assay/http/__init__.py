"""The HTTP API: one Powertools resolver app, served by API Gateway + Lambda or by `assay up`."""
