"""Config files in the promptfoo format: `load_suite`, and the CSV/JSONL test readers."""

from assay.config.loader import load_suite
from assay.config.tables import parse_tests_csv, parse_tests_jsonl

__all__ = ["load_suite", "parse_tests_csv", "parse_tests_jsonl"]
