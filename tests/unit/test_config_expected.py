"""promptfoo's `__expected` shorthand strings."""

from __future__ import annotations

from typing import Any

import pytest

from assay.config.expected import ExpectedError, assertion_from_expected
from assay.domain.models import AssertionSpec


@pytest.mark.parametrize(
    ("text", "kind", "value", "threshold"),
    [
        ("Paris", "equals", "Paris", None),
        ("The answer: 42", "equals", "The answer: 42", None),
        ("equals: 4", "equals", "4", None),
        ("contains: Hello", "contains", "Hello", None),
        ("contains:Hello, world", "contains", "Hello, world", None),
        ("icontains: hello", "icontains", "hello", None),
        ("not-contains: sorry", "not-contains", "sorry", None),
        ("contains-any: <b>,</span>", "contains-any", ["<b>", "</span>"], None),
        ("contains-all: a, b ,c", "contains-all", ["a", "b", "c"], None),
        ("icontains-any: A,B", "icontains-any", ["A", "B"], None),
        ("not-contains-all: x,y", "not-contains-all", ["x", "y"], None),
        ("starts-with: Yes", "starts-with", "Yes", None),
        ("ends-with: bye", "ends-with", "bye", None),
        ("latency(500)", "latency", None, 500.0),
        ("regex: ^\\d+: ok$", "regex", "^\\d+: ok$", None),
        ("not-regex: error", "not-regex", "error", None),
        ("is-json", "is-json", None, None),
        ("not-is-json", "not-is-json", None, None),
        ("contains-json", "contains-json", None, None),
        ("levenshtein(3): kitten", "levenshtein", "kitten", 3.0),
        ("levenshtein: kitten", "levenshtein", "kitten", None),
        ("python: output == '4'", "python", "output == '4'", None),
        ("file://checks/grade.py", "python", "file://checks/grade.py", None),
        ("file://checks/grade.py:check_it", "python", "file://checks/grade.py:check_it", None),
        ("contains-anything", "equals", "contains-anything", None),
    ],
)
def test_shorthand_parses(text: str, kind: str, value: Any, threshold: float | None) -> None:
    assert assertion_from_expected(text) == AssertionSpec(
        type=kind, value=value, threshold=threshold
    )


@pytest.mark.parametrize(
    "text",
    [
        "javascript: output.length < 10",
        "fn: x",
        "eval: x",
        "grade: is polite",
        "llm-rubric: is polite",
        "similar(0.9): hello",
        "not-similar: hi",
        "model-graded-factuality: x",
        "file://check.js",
    ],
)
def test_unsupported_shorthand_is_refused(text: str) -> None:
    with pytest.raises(ExpectedError, match="unsupported"):
        assertion_from_expected(text)
