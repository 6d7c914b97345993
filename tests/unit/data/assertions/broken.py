"""A fixture that fails to import."""

raise ImportError("broken fixture module")
