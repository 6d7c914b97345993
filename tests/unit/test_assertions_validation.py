"""validate_assertion: the config-time errors, and the accepted forms."""

from __future__ import annotations

from typing import Any

import pytest

from assay.domain.assertions import SUPPORTED_TYPES, validate_assertion
from assay.domain.errors import AssertionConfigError
from assay.domain.models import AssertionSpec


def problem(allow_code: bool = True, **fields: Any) -> AssertionConfigError:
    with pytest.raises(AssertionConfigError) as caught:
        validate_assertion(AssertionSpec(**fields), allow_code=allow_code)
    return caught.value


def test_supported_types_include_every_not_form() -> None:
    bases = {
        "equals", "contains", "icontains", "contains-any", "contains-all", "icontains-any",
        "icontains-all", "starts-with", "regex", "is-json", "contains-json", "levenshtein",
        "cost", "latency", "python",
    }  # fmt: skip
    assert bases | {f"not-{b}" for b in bases} == SUPPORTED_TYPES


@pytest.mark.parametrize(
    "fields",
    [
        {"type": "equals", "value": ""},
        {"type": "equals", "value": {"a": [1]}},
        {"type": "contains", "value": "x"},
        {"type": "not-icontains", "value": 3},
        {"type": "contains-any", "value": ["a", "b"]},
        {"type": "contains-all", "value": "a, b"},
        {"type": "regex", "value": r"^\d+$"},
        {"type": "regex", "value": "^{{ prefix }}"},
        {"type": "is-json"},
        {"type": "is-json", "value": {"type": "object"}},
        {"type": "contains-json", "value": "type: array"},
        {"type": "levenshtein", "value": "abc", "threshold": 0},
        {"type": "cost", "threshold": 0.01},
        {"type": "not-latency", "threshold": 500},
        {"type": "python", "value": "len(output) > 3"},
        {"type": "python", "value": "x = len(output)\nreturn x > 3"},
        {"type": "python", "value": "file:///abs/checks.py:my_check"},
        {"type": "python", "value": "{% if strict %}output == 'x'{% else %}True{% endif %}"},
        {"type": "contains", "value": "x", "weight": 0},
    ],
)
def test_valid_assertions_pass(fields: dict[str, Any]) -> None:
    validate_assertion(AssertionSpec(**fields), allow_code=True)


def test_unknown_type_names_it_and_suggests_near_matches() -> None:
    error = problem(type="contians", value="x")
    assert error.message.startswith("unknown assertion type 'contians'; did you mean 'contains'")
    assert error.details == {"type": "contians", "field": "type"}
    assert "did you mean" not in problem(type="zzz-qqq").message


def test_promptfoo_types_we_do_not_run_are_called_unsupported() -> None:
    for name in ("llm-rubric", "javascript", "similar", "model-graded-closedqa", "not-similar",
                 "select-best", "trajectory:tool-used"):  # fmt: skip
        message = problem(type=name, value="x").message
        assert message.startswith(f"unsupported assertion type '{name}' (Assay supports: ")
        assert "contains-json" in message


def test_python_is_refused_when_code_is_not_allowed() -> None:
    error = problem(allow_code=False, type="python", value="True")
    assert "python assertions run only in the local CLI" in error.message
    assert error.details["field"] == "type"
    problem(allow_code=False, type="not-python", value="True")


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"type": "equals"}, "equals assertion: value is required"),
        ({"type": "contains"}, "contains assertion: value must be a non-empty string"),
        ({"type": "contains", "value": ""}, "value must be a non-empty string"),
        ({"type": "starts-with", "value": ["a"]}, "value must be a non-empty string"),
        ({"type": "contains", "value": True}, "value must be a non-empty string"),
        ({"type": "contains-any"}, "value must be a list or a comma-separated string"),
        ({"type": "contains-all", "value": []}, "at least one string"),
        ({"type": "contains-all", "value": " , ,"}, "at least one string"),
        ({"type": "contains-any", "value": [{"a": 1}]}, "every item of the value list"),
        ({"type": "icontains-any", "value": '"open'}, "unterminated quoted field"),
        ({"type": "regex", "value": "(oops"}, "invalid regular expression '(oops'"),
        ({"type": "regex"}, "value must be a non-empty regular expression"),
        ({"type": "is-json", "value": {"type": 12}}, "invalid JSON schema"),
        ({"type": "is-json", "value": "[unclosed"}, "the JSON schema does not parse"),
        ({"type": "contains-json", "value": 5}, "value must be a JSON schema"),
        ({"type": "is-json", "value": "file://schema.json"}, "file:// values are not supported"),
        ({"type": "levenshtein"}, "value must be the expected string"),
        ({"type": "levenshtein", "value": "a", "threshold": -1}, "must be >= 0"),
        ({"type": "cost"}, "cost assertion: a threshold is required"),
        ({"type": "not-latency"}, "not-latency assertion: a threshold is required"),
        ({"type": "contains", "value": "a", "weight": -1}, "weight must be a number >= 0"),
        ({"type": "contains", "value": "a", "weight": float("inf")}, "weight must be"),
        ({"type": "cost", "threshold": float("nan")}, "threshold must be a finite number"),
        ({"type": "python"}, "value must be Python code"),
        ({"type": "python", "value": "return (("}, "the code does not compile"),
        ({"type": "python", "value": "file://checks.txt"}, "must name a .py file"),
    ],
)
def test_malformed_assertions_are_refused(fields: dict[str, Any], fragment: str) -> None:
    assert fragment in problem(**fields).message


def test_error_details_name_the_field() -> None:
    assert problem(type="cost").details == {"type": "cost", "field": "threshold"}
    assert problem(type="regex", value="(").details == {"type": "regex", "field": "value"}
    assert problem(type="contains", value="a", weight=-2).details["field"] == "weight"
