"""Export writers: each format parsed back, atomic replacement, streaming in flat memory."""

from __future__ import annotations

import csv
import json
import os
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assay.domain.errors import InvalidInput
from assay.domain.models import AssertionResult, GradingResult, ResultRecord, SummaryRow
from assay.exports import RunMeta, check_output_paths, write_outputs, writer_for
from assay.exports.csv_writer import PEEK_RECORDS

FORMATS = (".json", ".jsonl", ".csv", ".xml")


def meta(**changes: object) -> RunMeta:
    base: dict[str, object] = {
        "run_id": "run-1",
        "description": 'smoke <suite> & "friends"',
        "created_at": datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
        "source": "promptfooconfig.yaml",
        "status": "completed",
        "cells": 4,
        "passed": 2,
        "failed": 1,
        "errors": 1,
        "duration_s": 12.5,
        "cost": 0.0123,
    }
    base.update(changes)
    return RunMeta.model_validate(base)


def passing(i: int = 0, **changes: object) -> ResultRecord:
    base: dict[str, object] = {
        "run_id": "run-1",
        "cell_id": f"cell-{i}",
        "case_index": i,
        "description": "greets in Ünïcode 👋",
        "vars": {"name": "Zoë", "n": 3},
        "prompt_label": "p1",
        "provider": "openrouter:openai/gpt-4o-mini",
        "output": 'Hello, "Zoë"\nsecond line, with commas',
        "passed": True,
        "score": 1.0,
        "grading": GradingResult(
            passed=True,
            score=1.0,
            results=(AssertionResult(type="contains", passed=True, score=1.0),),
        ),
        "latency_ms": 1234.5,
        "prompt_tokens": 10,
        "completion_tokens": 5,
        "total_tokens": 15,
        "cost": 0.0001,
    }
    base.update(changes)
    return ResultRecord.model_validate(base)


def failing(i: int = 1) -> ResultRecord:
    grading = GradingResult(
        passed=False,
        score=0.5,
        reason="1 of 2 assertions failed",
        results=(
            AssertionResult(type="contains", passed=True, score=1.0),
            AssertionResult(type="equals", passed=False, score=0.0, reason='expected "4", got <5>'),
        ),
    )
    return passing(
        i, description=None, output="=cmd()", passed=False, score=0.5, grading=grading,
        vars={"name": "-2+3", "extra": {"k": [1, 2]}}, cached=True,
    )  # fmt: skip


def errored(i: int = 2) -> ResultRecord:
    return passing(
        i, state="failed", output=None, passed=None, score=None, grading=None, latency_ms=None,
        prompt_tokens=None, completion_tokens=None, total_tokens=None, cost=None,
        error="HTTP 502 from provider\x00\x1b[31m <bad> & 'quoted'", vars={},
        prompt_label="p2", provider="local:echo",
    )  # fmt: skip


def sample() -> list[ResultRecord]:
    return [
        passing(0),
        failing(1),
        errored(2),
        passing(3, prompt_label="p2", provider="local:echo"),
    ]


def summary() -> list[SummaryRow]:
    return [SummaryRow(prompt_label="p1", provider="x", cells=2, passed=1, failed=1, errors=0)]


def write(path: Path, records: list[ResultRecord], **meta_changes: object) -> int:
    return writer_for(path).write(
        path, records=iter(records), summary=summary(), meta=meta(**meta_changes)
    )


def test_jsonl_holds_one_record_per_line_and_reads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    records = sample()

    assert write(path, records) == 4

    raw = path.read_bytes()
    assert "Ünïcode 👋".encode() in raw  # raw UTF-8, not \u escapes
    lines = raw.decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert [ResultRecord.model_validate_json(line) for line in lines[:-1]] == records
    assert json.loads(lines[1])["grading"]["results"][1]["reason"] == 'expected "4", got <5>'


def test_json_document_has_run_summary_and_results(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    records = sample()

    assert write(path, records) == 4

    doc = json.loads(path.read_text("utf-8"))
    assert doc["version"] == 1
    assert doc["run"]["run_id"] == "run-1"
    assert doc["run"]["created_at"].startswith("2025-01-02T03:04:05")
    counts = {k: doc["run"][k] for k in ("cells", "passed", "failed", "errors", "status")}
    assert counts == {"cells": 4, "passed": 2, "failed": 1, "errors": 1, "status": "completed"}
    assert [SummaryRow.model_validate(r) for r in doc["summary"]] == summary()
    assert [ResultRecord.model_validate(r) for r in doc["results"]] == records
    assert doc["results"][2]["error"].startswith("HTTP 502")


def test_json_with_no_records_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    assert writer_for(path).write(path, records=iter(()), summary=[], meta=meta()) == 0
    doc = json.loads(path.read_text("utf-8"))
    assert doc["results"] == [] and doc["summary"] == []


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_rows_round_trip_quotes_newlines_and_vars(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    assert write(path, sample()) == 4

    rows = read_csv(path)
    assert len(rows) == 4
    first, second, third, _ = rows
    assert list(first)[:9] == [
        "run_id", "cell_id", "case_index", "description", "prompt", "provider", "repeat",
        "var:name", "var:n",
    ]  # fmt: skip
    assert first["output"] == 'Hello, "Zoë"\nsecond line, with commas'
    assert first["var:name"] == "Zoë" and first["var:n"] == "3"
    assert first["pass"] == "true" and first["score"] == "1.0" and first["cached"] == "false"
    assert first["latency_ms"] == "1234.5" and first["prompt_tokens"] == "10"
    # `extra` first appears in the second record, within the peek window: it gets a column.
    assert second["var:extra"] == '{"k": [1, 2]}'
    assert second["pass"] == "false" and second["cached"] == "true"
    assert second["reason"] == 'equals: expected "4", got <5>'
    assert third["error"].startswith("HTTP 502") and third["pass"] == ""
    assert third["score"] == "" and third["cost"] == "" and third["var:name"] == ""


def test_csv_defuses_formulas_in_text_cells(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    record = failing(1).model_copy(update={"error": "@SUM(A1)", "description": "+1"})
    write(path, [record])

    row = read_csv(path)[0]
    assert row["output"] == "'=cmd()"
    assert row["var:name"] == "'-2+3"
    assert row["error"] == "'@SUM(A1)"
    assert row["description"] == "'+1"
    assert row["score"] == "0.5"  # numbers written by Assay are not text: untouched


def test_csv_var_names_hint_sets_columns_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write(path, [failing(1)], var_names=("extra", "missing"))

    row = read_csv(path)[0]
    assert [c for c in row if c.startswith("var")] == ["var:extra", "var:missing", "vars_extra"]
    assert row["var:missing"] == ""
    assert json.loads(row["vars_extra"]) == {"name": "-2+3"}


def test_csv_vars_seen_after_the_peek_window_land_in_vars_extra(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    records = [passing(i, vars={"a": i}) for i in range(PEEK_RECORDS)]
    records.append(passing(PEEK_RECORDS, vars={"a": 0, "late": "x"}))
    assert write(path, records) == PEEK_RECORDS + 1

    rows = read_csv(path)
    assert "var:late" not in rows[0]
    assert rows[-1]["vars_extra"] == '{"late": "x"}'
    assert rows[-1]["var:a"] == "0"


def test_junit_groups_suites_and_counts_outcomes(tmp_path: Path) -> None:
    path = tmp_path / "out.xml"
    assert write(path, sample()) == 4

    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert root.get("name") == 'smoke <suite> & "friends"'
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "p1 / openrouter:openai/gpt-4o-mini",
        "p2 / local:echo",
    ]
    p1, p2 = suites
    assert (p1.get("tests"), p1.get("failures"), p1.get("errors")) == ("2", "1", "0")
    assert (p2.get("tests"), p2.get("failures"), p2.get("errors")) == ("2", "0", "1")
    assert p1.get("time") == "2.469"
    ok, bad = p1.findall("testcase")
    assert ok.get("name") == "greets in Ünïcode 👋 (case 0)"
    assert ok.get("classname") == "openrouter:openai/gpt-4o-mini" and ok.get("time") == "1.234"
    assert ok.find("failure") is None and ok.find("error") is None
    assert ok.findtext("system-out") == 'Hello, "Zoë"\nsecond line, with commas'
    failure = bad.find("failure")
    assert failure is not None and bad.get("name") == "case 1"
    assert failure.get("message") == 'equals: expected "4", got <5>'
    error = p2.findall("testcase")[0].find("error")
    assert error is not None
    assert error.get("message") == "HTTP 502 from provider[31m <bad> & 'quoted'"  # no controls


def test_junit_names_repeats_and_skips_unfinished_cells(tmp_path: Path) -> None:
    path = tmp_path / "out.xml"
    records = [
        passing(0, repeat=1, description=None),
        passing(1, state="cancelled", output=None, passed=None),
    ]
    write(path, records)

    suite = ET.parse(path).getroot().findall("testsuite")[0]
    first, second = suite.findall("testcase")
    assert first.get("name") == "case 0, repeat 1"
    assert second.find("skipped") is not None and suite.get("skipped") == "1"


def test_junit_pair_coming_back_opens_another_suite_with_right_counts(tmp_path: Path) -> None:
    path = tmp_path / "out.xml"
    other = passing(9, prompt_label="p2")
    write(path, [passing(0), other, failing(1)])

    suites = ET.parse(path).getroot().findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        ("p1 / openrouter:openai/gpt-4o-mini", "1", "0"),
        ("p2 / openrouter:openai/gpt-4o-mini", "1", "0"),
        ("p1 / openrouter:openai/gpt-4o-mini", "1", "1"),
    ]


def test_junit_with_no_records_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    writer_for(path).write(path, records=iter(()), summary=[], meta=meta())
    root = ET.parse(path).getroot()
    assert root.get("tests") == "0" and root.findall("testsuite") == []


@pytest.mark.parametrize("ext", FORMATS)
def test_existing_file_is_replaced_only_when_complete(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"out{ext}"
    path.write_text("old", encoding="utf-8")
    seen: list[tuple[str, bool]] = []

    def records() -> Iterator[ResultRecord]:
        for record in sample():
            seen.append((path.read_text("utf-8"), path.with_suffix(ext + ".tmp").exists()))
            yield record

    # With the var names given, the CSV writer needs no look-ahead and streams from the start.
    hinted = meta(var_names=("name",))
    writer_for(path).write(path, records=records(), summary=summary(), meta=hinted)

    assert seen and all(entry == ("old", True) for entry in seen)
    assert path.read_text("utf-8") != "old"
    assert os.listdir(tmp_path) == [path.name]


@pytest.mark.parametrize("ext", FORMATS)
def test_crash_mid_stream_keeps_old_file_and_leaves_no_temp(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"out{ext}"
    path.write_text("old", encoding="utf-8")

    def records() -> Iterator[ResultRecord]:
        yield passing(0)
        raise RuntimeError("engine died")

    with pytest.raises(RuntimeError, match="engine died"):
        writer_for(path).write(path, records=records(), summary=[], meta=meta())

    assert path.read_text("utf-8") == "old"
    assert os.listdir(tmp_path) == [path.name]


@pytest.mark.parametrize("ext", FORMATS)
def test_fifty_thousand_records_stream_in_flat_memory(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"big{ext}"
    template = passing(0, output="x" * 200)  # 50,000 of these held at once would take > 40 MB
    count = 50_000

    def records() -> Iterator[ResultRecord]:
        for i in range(count):
            yield template.model_copy(update={"cell_id": f"cell-{i}", "case_index": i})

    tracemalloc.start()
    try:
        written = writer_for(path).write(
            path, records=records(), summary=summary(), meta=meta(var_names=("name", "n"))
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert written == count
    assert path.stat().st_size > count * 200
    assert peak < 8_000_000, f"peak {peak} bytes: the writer is holding records"


def test_write_outputs_writes_every_file_from_fresh_streams(tmp_path: Path) -> None:
    paths = [tmp_path / f"out{ext}" for ext in FORMATS]
    counts = write_outputs(paths, records=lambda: iter(sample()), summary=summary(), meta=meta())
    assert counts == dict.fromkeys(paths, 4)


@pytest.mark.parametrize("name", ["out.txt", "out", "out.yaml"])
def test_writer_for_refuses_unknown_extensions_and_names_them(name: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        writer_for(Path(name))
    assert name in caught.value.message
    assert ".csv, .json, .jsonl, .xml" in caught.value.message


def test_writer_for_ignores_extension_case() -> None:
    assert writer_for(Path("OUT.JSONL")).extension == ".jsonl"


def test_check_output_paths_accepts_writable_targets(tmp_path: Path) -> None:
    (tmp_path / "exists.csv").write_text("x")
    check_output_paths([tmp_path / "a.json", tmp_path / "exists.csv"])


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("missing/out.json", "does not exist"),
        ("out.html", "'.html'"),
        ("adir.json", "is a directory"),
    ],
)
def test_check_output_paths_refuses_bad_targets(tmp_path: Path, name: str, needle: str) -> None:
    (tmp_path / "adir.json").mkdir()
    target = tmp_path / name
    with pytest.raises(InvalidInput) as caught:
        check_output_paths([target])
    assert str(target) in caught.value.message and needle in caught.value.message


def test_check_output_paths_refuses_the_same_file_twice(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="given twice"):
        check_output_paths([tmp_path / "a.csv", tmp_path / "." / "a.csv"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_check_output_paths_refuses_read_only_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(InvalidInput, match="not writable"):
            check_output_paths([locked / "a.csv"])
    finally:
        locked.chmod(0o700)


def test_run_meta_requires_an_aware_datetime() -> None:
    with pytest.raises(ValueError, match="timezone"):
        meta(created_at=datetime(2025, 1, 1))  # noqa: DTZ001 - the point of the test
