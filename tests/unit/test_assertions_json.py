"""is-json and contains-json, with and without JSON schemas."""

from __future__ import annotations

from typing import Any

import pytest

from assay.domain.assertions import grade
from assay.domain.models import AssertionResult, AssertionSpec, GradingContext

PERSON = {
    "type": "object",
    "required": ["name", "age"],
    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
}


def judge(type_: str, output: str, value: Any = None) -> AssertionResult:
    return grade([AssertionSpec(type=type_, value=value)], output, GradingContext()).results[0]


@pytest.mark.parametrize(
    ("output", "passed"),
    [
        ('{"a": 1}', True),
        ("  [1, 2, 3]\n", True),
        ("42", True),
        ('"text"', True),
        ("null", True),
        ("{'a': 1}", False),
        ('{"a": 1} trailing', False),
        ("NaN", False),
        ('{"a": Infinity}', False),
        ("", False),
        ('{"ключ": "значение"}', True),
    ],
)
def test_is_json(output: str, passed: bool) -> None:
    assert judge("is-json", output).passed is passed
    assert judge("not-is-json", output).passed is not passed


def test_is_json_reasons() -> None:
    assert judge("is-json", "nope").reason == "Expected output to be valid JSON"
    assert judge("not-is-json", "{}").reason == "Expected output to not be valid JSON"


def test_is_json_with_schema_object() -> None:
    assert judge("is-json", '{"name": "Ada", "age": 36}', PERSON).passed
    wrong = judge("is-json", '{"name": "Ada", "age": -1}', PERSON)
    assert not wrong.passed
    assert wrong.reason.startswith("JSON does not conform to the provided schema: $.age:")
    missing = judge("is-json", '{"name": "Ada"}', PERSON)
    assert "'age' is a required property" in missing.reason
    assert judge("is-json", "not json", PERSON).reason == "Expected output to be valid JSON"


def test_not_is_json_with_schema() -> None:
    conforming = judge("not-is-json", '{"name": "Ada", "age": 36}', PERSON)
    assert not conforming.passed
    assert conforming.reason == "Output is JSON that conforms to the provided schema"
    assert judge("not-is-json", '{"name": 1}', PERSON).passed
    assert judge("not-is-json", "not json", PERSON).passed


def test_schema_given_as_yaml_or_json_text() -> None:
    yaml_schema = "type: object\nrequired: [id]\nproperties:\n  id: {type: integer}\n"
    assert judge("is-json", '{"id": 3}', yaml_schema).passed
    assert not judge("is-json", '{"id": "3"}', yaml_schema).passed
    assert judge("is-json", "[1]", '{"type": "array"}').passed
    assert judge("is-json", "[1]", "").passed  # an empty value means no schema


def test_invalid_schema_fails_the_assertion_with_a_reason() -> None:
    result = judge("is-json", "{}", {"type": "no-such-type"})
    assert not result.passed
    assert result.reason.startswith("is-json assertion: invalid JSON schema:")


def test_schema_format_keywords_are_checked() -> None:
    schema = {"type": "string", "format": "email"}
    assert judge("is-json", '"a@b.example"', schema).passed
    assert not judge("is-json", '"not an email"', schema).passed


@pytest.mark.parametrize(
    ("output", "passed"),
    [
        ('Here you go: {"a": 1}. Anything else?', True),
        ('```json\n{"a": {"b": [1, 2]}}\n```', True),
        ('[{"a": 1}, {"a": 2}]', True),
        ('Results: [{"a": 1}] done', True),
        ("see reference [1] for details", False),
        ("no json here", False),
        ("{ not: json }", False),
        ("", False),
    ],
)
def test_contains_json(output: str, passed: bool) -> None:
    assert judge("contains-json", output).passed is passed
    assert judge("not-contains-json", output).passed is not passed


def test_contains_json_reasons() -> None:
    assert judge("contains-json", "plain").reason == "Expected output to contain valid JSON"
    assert judge("not-contains-json", "x {} y").reason == "Expected output to not contain JSON"


def test_contains_json_with_schema_passes_when_any_value_conforms() -> None:
    output = 'first {"name": 1} then {"name": "Ada", "age": 3}'
    assert judge("contains-json", output, PERSON).passed
    bad = judge("contains-json", 'only {"name": 1}', PERSON)
    assert not bad.passed
    assert bad.reason.startswith("JSON does not conform to the provided schema:")
    inverse = judge("not-contains-json", output, PERSON)
    assert not inverse.passed
    assert inverse.reason == "Output contains JSON conforming to the provided schema"
    assert judge("not-contains-json", 'only {"name": 1}', PERSON).passed


def test_contains_json_top_level_array_checks_items_and_array() -> None:
    item_schema = {"type": "object", "required": ["a"]}
    assert judge("contains-json", '[{"b": 1}, {"a": 2}]', item_schema).passed
    assert judge("contains-json", '[{"b": 1}]', {"type": "array"}).passed
    assert not judge("contains-json", '[{"b": 1}]', item_schema).passed


def test_contains_json_survives_pathological_text() -> None:
    assert not judge("contains-json", "{" * 20000).passed
    assert judge("contains-json", "{" * 500 + '{"ok": true}').passed
