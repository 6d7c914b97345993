"""Text assertions: equals, contains family, starts-with, regex, templated values."""

from __future__ import annotations

from typing import Any

import pytest

from assay.domain.assertions import grade
from assay.domain.models import AssertionResult, AssertionSpec, GradingContext


def judge(type_: str, value: Any, output: str, **vars_: Any) -> AssertionResult:
    spec = AssertionSpec(type=type_, value=value)
    result = grade([spec], output, GradingContext(vars=vars_))
    assert len(result.results) == 1
    assert result.passed is result.results[0].passed
    return result.results[0]


@pytest.mark.parametrize(
    ("type_", "value", "output", "passed"),
    [
        ("equals", "Hello", "Hello", True),
        ("equals", "Hello", "hello", False),
        ("equals", "Hello", "Hello ", False),
        ("equals", "", "", True),
        ("equals", 42, "42", True),
        ("equals", 1.0, "1", True),
        ("equals", True, "true", True),
        ("equals", "héllo ✓", "héllo ✓", True),
        ("not-equals", "Hello", "Hello", False),
        ("not-equals", "Hello", "Bye", True),
        ("contains", "world", "hello world", True),
        ("contains", "World", "hello world", False),
        ("contains", 42, "answer: 42", True),
        ("contains", "x", "", False),
        ("not-contains", "world", "hello world", False),
        ("not-contains", "moon", "hello world", True),
        ("icontains", "WORLD", "hello world", True),
        ("icontains", "ÉCOLE", "une école", True),
        ("not-icontains", "WORLD", "hello world", False),
        ("starts-with", "Hello", "Hello world", True),
        ("starts-with", "world", "Hello world", False),
        ("starts-with", "Hello", "", False),
        ("not-starts-with", "Hello", "Hello world", False),
        ("not-starts-with", "Bye", "Hello world", True),
    ],
)
def test_simple_text_checks(type_: str, value: Any, output: str, passed: bool) -> None:
    result = judge(type_, value, output)
    assert result.passed is passed
    assert result.score == (1.0 if passed else 0.0)
    assert result.type == type_


def test_failure_reasons_name_the_expectation() -> None:
    assert judge("contains", "foo", "bar").reason == 'Expected output to contain "foo"'
    assert judge("not-contains", "bar", "bar").reason == 'Expected output to not contain "bar"'
    assert judge("starts-with", "x", "y").reason == 'Expected output to start with "x"'
    assert judge("equals", "a", "b").reason == 'Expected output "b" to equal "a"'
    assert judge("contains", "foo", "foo").reason == "Assertion passed"


def test_reasons_cut_long_outputs_short() -> None:
    reason = judge("equals", "a", "b" * 5000).reason
    assert len(reason) < 300
    assert reason.endswith('…" to equal "a"')


def test_equals_object_compares_parsed_json() -> None:
    value = {"name": "Ada", "tags": ["x", 1]}
    assert judge("equals", value, '{"tags": ["x", 1], "name": "Ada"}').passed
    assert not judge("equals", value, '{"name": "Ada", "tags": ["x", true]}').passed
    assert not judge("equals", value, "not json").passed
    assert judge("not-equals", value, "not json").passed
    assert judge("equals", [1, 2], "[1, 2]").passed
    failed = judge("equals", {"a": 1}, '{"a": 2}')
    assert failed.reason == 'Expected output "{"a": 2}" to equal "{"a":1}"'


@pytest.mark.parametrize(
    ("type_", "value", "output", "passed"),
    [
        ("contains-any", ["cat", "dog"], "a dog barks", True),
        ("contains-any", ["cat", "dog"], "a bird sings", False),
        ("contains-any", "cat, dog", "a dog barks", True),
        ("contains-any", [1, "two"], "number 1", True),
        ("not-contains-any", ["cat", "dog"], "a dog barks", False),
        ("not-contains-any", ["cat", "dog"], "a bird", True),
        ("contains-all", ["cat", "dog"], "cat and dog", True),
        ("contains-all", ["cat", "dog"], "cat only", False),
        ("contains-all", "cat,dog", "cat and dog", True),
        ("not-contains-all", ["cat", "dog"], "cat and dog", False),
        ("not-contains-all", ["cat", "dog"], "cat only", True),
        ("icontains-any", ["CAT", "DOG"], "a dog", True),
        ("icontains-any", "CAT, DOG", "a bird", False),
        ("icontains-all", ["CAT", "Dog"], "cat and DOG", True),
        ("icontains-all", ["CAT", "Dog"], "cat only", False),
        ("not-icontains-all", ["CAT", "Dog"], "cat and DOG", False),
        ("not-icontains-any", ["CAT"], "a dog", True),
    ],
)
def test_list_checks(type_: str, value: Any, output: str, passed: bool) -> None:
    assert judge(type_, value, output).passed is passed


def test_contains_all_reason_lists_what_is_missing() -> None:
    result = judge("contains-all", ["a", "b", "c"], "only b")
    assert result.reason == "Expected output to contain all of [a, b, c]. Missing: [a, c]"
    result = judge("contains-any", "x, y", "z")
    assert result.reason == 'Expected output to contain one of "x, y"'


def test_comma_strings_follow_promptfoo_splitting() -> None:
    # Whitespace around commas is trimmed, empty fields dropped, quotes keep commas.
    assert judge("contains-all", ' a ,, b ,"c, d"', "a b c, d").passed
    assert not judge("contains-all", ' a ,, b ,"c, d"', "a b c d").passed
    assert judge("contains-any", '"say \\"hi\\""', 'they say "hi"').passed
    assert judge("contains-any", '"it""s"', 'it"s').passed


def test_malformed_comma_string_fails_the_assertion_with_a_reason() -> None:
    result = judge("contains-any", '"unterminated, x', "x")
    assert not result.passed
    assert "unterminated quoted field" in result.reason


@pytest.mark.parametrize(
    ("pattern", "output", "passed"),
    [
        (r"\d{3}-\d{4}", "call 555-1234 now", True),
        (r"^\d+$", "123", True),
        (r"^\d+$", "12a", False),
        (r"^second$", "first\nsecond\nthird", False),
        (r"(?m)^second$", "first\nsecond\nthird", True),
        (r"first.second", "first\nsecond", False),
        (r"(?s)first.second", "first\nsecond", True),
        (r"(?<year>\d{4})-(?<month>\d\d)", "on 2024-05", True),
        (r"(?<!x)abc", "xabc", False),
        (r"^$", "", True),
        (r"é+", "café", True),
    ],
)
def test_regex(pattern: str, output: str, passed: bool) -> None:
    assert judge("regex", pattern, output).passed is passed
    assert judge("not-regex", pattern, output).passed is not passed


def test_regex_reason_and_invalid_pattern() -> None:
    assert judge("regex", "^a", "b").reason == 'Expected output to match regex "^a"'
    assert judge("not-regex", "b", "b").reason == 'Expected output to not match regex "b"'
    broken = judge("regex", "(unclosed", "anything")
    assert not broken.passed
    assert broken.reason.startswith("regex assertion: invalid regular expression '(unclosed'")


def test_templated_values_render_with_the_case_vars() -> None:
    assert judge("contains", "{{ city }}", "I love Paris", city="Paris").passed
    assert not judge("contains", "{{ city }}", "I love Rome", city="Paris").passed
    assert judge("equals", "Hi {{ name | upper }}", "Hi ADA", name="ada").passed
    assert judge("contains-all", ["{{ a }}", "{{ b }}"], "x and y", a="x", b="y").passed
    assert judge("regex", "^{{ word }}$", "hello", word="hello").passed


def test_templated_value_with_unknown_var_fails_with_reason() -> None:
    result = judge("contains", "{{ missing }}", "anything")
    assert not result.passed
    assert "'missing' is undefined" in result.reason


def test_templates_are_sandboxed() -> None:
    result = judge("contains", "{{ ''.__class__.__mro__ }}", "x")
    assert not result.passed
    assert "cannot render" in result.reason


def test_metric_is_carried_and_rendered() -> None:
    spec = AssertionSpec(type="contains", value="a", metric="has-{{ letter }}")
    result = grade([spec], "a", GradingContext(vars={"letter": "a"}))
    assert result.results[0].metric == "has-a"
    spec = AssertionSpec(type="contains", value="a", metric="{{ nope }}")
    assert grade([spec], "a", GradingContext()).results[0].metric == "{{ nope }}"
