"""The `assay` command line: commands, terminal progress and result tables."""
