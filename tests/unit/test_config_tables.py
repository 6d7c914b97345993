"""CSV and JSONL tests: promptfoo's columns, every bad line reported, nothing half-imported."""

from __future__ import annotations

import pytest

from assay.config import parse_tests_csv, parse_tests_jsonl
from assay.domain import assertions as assertion_rules
from assay.domain.errors import AssertionConfigError, ConfigError
from assay.domain.models import AssertionSpec, TestCase


def errors(exc: ConfigError) -> list[tuple[int, int | None]]:
    return [(e["line"], e["column"]) for e in exc.details["errors"]]


def test_csv_columns_become_vars_and_assertions() -> None:
    text = (
        "question,__expected,__expected1,__expected2,__description,__threshold,__metadata:topic,__metadata:tags[]\n"
        'What is 2+2?,equals: 4,"contains-any: four, 4",not-icontains: five,math,0.5,arith,"a, b"\n'
    )
    (case,) = parse_tests_csv(text, source="t.csv")
    assert case == TestCase.model_validate(
        {
            "description": "math",
            "vars": {"question": "What is 2+2?"},
            "assert": [
                {"type": "equals", "value": "4"},
                {"type": "contains-any", "value": ["four", "4"]},
                {"type": "not-icontains", "value": "five"},
            ],
            "threshold": 0.5,
            "metadata": {"topic": "arith", "tags": ["a", "b"]},
        }
    )


def test_csv_quoted_commas_newlines_and_bom() -> None:
    text = '\ufefftext,lang\n"Hello, world",fr\n"two\nlines",de\n'
    cases = parse_tests_csv(text, source="t.csv")
    assert [c.vars for c in cases] == [
        {"text": "Hello, world", "lang": "fr"},
        {"text": "two\nlines", "lang": "de"},
    ]


def test_csv_empty_expected_cells_are_ignored_and_blank_lines_skipped() -> None:
    text = "q,__expected1,__expected2\n\na,,contains: x\nb,   ,\n"
    first, second = parse_tests_csv(text, source="t.csv")
    assert [s.type for s in first.assertions] == ["contains"]
    assert second.assertions == ()
    assert second.vars == {"q": "b"}


def test_csv_metric_column_applies_to_every_assertion() -> None:
    (case,) = parse_tests_csv(
        "q,__expected1,__expected2,__metric\na,contains: a,regex: a,accuracy\n", source="t.csv"
    )
    assert [s.metric for s in case.assertions] == ["accuracy", "accuracy"]


def test_csv_every_bad_line_is_reported_with_line_and_column() -> None:
    text = (
        "q,__expected,__threshold\n"  # line 1
        "ok,contains: a,\n"  # line 2: fine
        "x,llm-rubric: is polite,\n"  # line 3: unsupported prefix, column 2
        "y,contains: y,high\n"  # line 4: bad threshold, column 3
        "too,many,fields,here\n"  # line 5: field count
        '"multi\nline",javascript: output.length > 3,\n'  # lines 6-7: record starts on 6
        "z\n"  # line 8: too few fields
    )
    with pytest.raises(ConfigError) as info:
        parse_tests_csv(text, source="tests.csv")
    assert errors(info.value) == [(3, 2), (4, 3), (5, None), (6, 2), (8, None)]
    message = info.value.message
    assert "tests.csv" in message and "5 bad line(s)" in message
    assert "tests.csv:3: __expected: unsupported assertion prefix 'llm-rubric:'" in message
    assert "threshold must be a number, got 'high'" in message
    assert "4 field(s), the header has 3" in message


def test_csv_header_problems_are_all_reported() -> None:
    with pytest.raises(ConfigError) as info:
        parse_tests_csv("q,q,__prefix,__bogus,\nrow,1,2,3,4\n", source="t.csv")
    messages = [e["message"] for e in info.value.details["errors"]]
    assert errors(info.value) == [(1, 2), (1, 3), (1, 4), (1, 5)]
    assert "duplicate column 'q'" in messages[0]
    assert "column '__prefix' is not supported" in messages[1]
    assert "unknown special column '__bogus'" in messages[2]
    assert "empty column name" in messages[3]


def test_csv_python_expected_needs_allow_code() -> None:
    text = "q,__expected\na,python: output == 'a'\n"
    with pytest.raises(ConfigError, match="disabled"):
        parse_tests_csv(text, source="t.csv")
    (case,) = parse_tests_csv(text, source="t.csv", allow_code=True)
    assert case.assertions == (AssertionSpec(type="python", value="output == 'a'"),)


def test_csv_malformed_quoting_is_reported_and_other_lines_still_checked() -> None:
    with pytest.raises(ConfigError) as info:
        parse_tests_csv('q,__expected\na,"b"c\nd,grade: nice\n', source="t.csv")
    assert errors(info.value) == [(2, None), (3, 2)]
    assert "malformed CSV" in info.value.details["errors"][0]["message"]


def test_csv_assertion_rejected_by_validation_names_line_and_column(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def reject(spec: AssertionSpec, *, allow_code: bool) -> None:
        if spec.type == "regex":
            raise AssertionConfigError("regex: invalid pattern '('")

    monkeypatch.setattr(assertion_rules, "validate_assertion", reject)
    with pytest.raises(ConfigError) as info:
        parse_tests_csv("q,__expected\na,regex: (\n", source="t.csv")
    assert errors(info.value) == [(2, 2)]
    assert "t.csv:2: __expected: regex: invalid pattern '('" in info.value.message


def test_csv_type_that_assay_does_not_run_is_refused_at_its_cell() -> None:
    with pytest.raises(ConfigError) as info:
        parse_tests_csv("q,__expected1,__expected2\na,contains: a,is-xml\n", source="t.csv")
    assert errors(info.value) == [(2, 3)]
    assert "t.csv:2: __expected2:" in info.value.message and "is-xml" in info.value.message


def test_csv_empty_file_is_an_error() -> None:
    with pytest.raises(ConfigError, match="empty"):
        parse_tests_csv("", source="t.csv")


def test_jsonl_reads_one_test_per_line() -> None:
    text = (
        '{"vars": {"q": "a"}, "assert": [{"type": "contains", "value": "a"}]}\n'
        "\n"
        '{"description": "d", "vars": {"q": ["x", "y"]}, "threshold": 0.5}\n'
    )
    cases = parse_tests_jsonl(text, source="t.jsonl")
    assert [c.vars for c in cases] == [{"q": "a"}, {"q": "x"}, {"q": "y"}]
    assert cases[0].assertions == (AssertionSpec(type="contains", value="a"),)
    assert cases[2].description == "d" and cases[2].threshold == 0.5


def test_jsonl_bad_lines_are_all_reported() -> None:
    text = (
        '{"vars": {"q": "a"}}\n'  # 1 fine
        '{"vars": {"q": "a"},\n'  # 2 invalid JSON
        '{"vars": {}, "assert": [{"type": "contains", "foo": 1}]}\n'  # 3 unknown field
        "[1, 2]\n"  # 4 not an object
        '{"vars": {}, "options": {"prefix": "x"}}\n'  # 5 unsupported option
    )
    with pytest.raises(ConfigError) as info:
        parse_tests_jsonl(text, source="data/t.jsonl")
    assert [e["line"] for e in info.value.details["errors"]] == [2, 3, 4, 5]
    assert info.value.details["errors"][0]["column"] is not None
    message = info.value.message
    assert "t.jsonl:3: assert[0]: unknown field 'foo'" in message
    assert "t.jsonl:4: a test must be an object" in message
    assert "unsupported option 'prefix'" in message
