"""Tests from CSV (promptfoo's columns) and JSONL: all-or-nothing, every bad line reported."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assay.config.assertions import CaseRules, finish_assertion
from assay.config.cases import RawTest, expand_test, make_case, read_test
from assay.config.expected import ExpectedError, assertion_from_expected
from assay.config.source import Document
from assay.domain.errors import ConfigError
from assay.domain.models import AssertionSpec, TestCase

_UNSUPPORTED_COLUMNS = ("__prefix", "__suffix", "__providerOutput", "__config:")
_KNOWN_COLUMNS = ("__description", "__threshold", "__metric")


class _Problems:
    """Collects {line, column, message} for every bad line, then raises them together."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[dict[str, Any]] = []

    def add(self, line: int, column: int | None, message: str) -> None:
        self.items.append({"line": line, "column": column, "message": message})

    def raise_any(self) -> None:
        if not self.items:
            return
        lines = "\n".join(f"  {item['message']}" for item in self.items)
        bad = len({item["line"] for item in self.items})
        raise ConfigError(
            f"{self.source}: {bad} bad line(s), nothing imported:\n{lines}",
            details={"file": self.source, "errors": self.items},
        )


def _header_problem(name: str) -> str | None:
    if not name.strip():
        return "empty column name"
    if not name.startswith("__") or name.startswith("__expected") or name in _KNOWN_COLUMNS:
        return None
    if name.startswith("__metadata:") and len(name) > len("__metadata:"):
        return None
    if name.startswith(_UNSUPPORTED_COLUMNS):
        return f"column '{name}' is not supported by Assay"
    return f"unknown special column '{name}'"


def _cell(doc: Document, name: str, value: str, rules: CaseRules, out: dict[str, Any]) -> None:
    """Apply one CSV cell to the test being built in `out`."""
    if name.startswith("__expected"):
        if value.strip():
            try:
                spec = assertion_from_expected(value)
            except ExpectedError as exc:
                raise doc.error((name,), str(exc)) from None
            out["assert"].append(finish_assertion(doc, (name,), spec, rules))
    elif name == "__description":
        out["description"] = value or None
    elif name == "__metric":
        out["metric"] = value or None
    elif name == "__threshold":
        if value.strip():
            try:
                out["threshold"] = float(value)
            except ValueError:
                raise doc.error((name,), f"threshold must be a number, got {value!r}") from None
    elif name.startswith("__metadata:"):
        key = name[len("__metadata:") :]
        if value != "":
            is_list = key.endswith("[]")
            out["metadata"][key.removesuffix("[]")] = (
                [part.strip() for part in value.split(",")] if is_list else value
            )
    else:
        out["vars"][name] = value


def _row_test(
    doc: Document, header: list[str], row: list[str], rules: CaseRules, problems: _Problems
) -> RawTest | None:
    line = doc.lines[()]
    out: dict[str, Any] = {"vars": {}, "assert": [], "metadata": {}}
    out.update(description=None, threshold=None, metric=None)
    before = len(problems.items)
    for column, (name, value) in enumerate(zip(header, row, strict=True), start=1):
        try:
            _cell(doc, name, value, rules, out)
        except ConfigError as exc:
            problems.add(line, column, f"{exc.message} (column {column})")
    if len(problems.items) > before:
        return None
    specs: list[AssertionSpec] = out["assert"]
    if out["metric"] is not None:
        specs = [s.model_copy(update={"metric": out["metric"]}) for s in specs]
    case = make_case(
        description=out["description"],
        vars=out["vars"],
        assertions=tuple(specs),
        threshold=out["threshold"],
        metadata=out["metadata"],
    )
    return RawTest(case, None, f"{doc.name}:{line}")


def read_csv_tests(text: str, *, source: str, rules: CaseRules) -> list[RawTest]:
    """Tests from promptfoo-style CSV: each column a var, except the `__` columns."""
    problems = _Problems(source)
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ConfigError(f"{source}: the CSV file is empty", details={"file": source}) from None
    except csv.Error as exc:
        raise ConfigError(
            f"{source}:1: malformed CSV header: {exc}", details={"file": source}
        ) from None
    seen: set[str] = set()
    for column, name in enumerate(header, start=1):
        problem = _header_problem(name) or (f"duplicate column '{name}'" if name in seen else None)
        seen.add(name)
        if problem:
            problems.add(1, column, f"{Path(source).name}:1: {problem} (column {column})")
    problems.raise_any()
    tests: list[RawTest] = []
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.add(line, None, f"{Path(source).name}:{line}: malformed CSV: {exc}")
            continue
        if not row or (len(row) == 1 and not row[0].strip() and len(header) > 1):
            continue  # a blank line
        if len(row) != len(header):
            problems.add(
                line,
                None,
                f"{Path(source).name}:{line}: {len(row)} field(s), the header has {len(header)}",
            )
            continue
        doc = Document(Path(source), row, {(): line})
        test = _row_test(doc, header, row, rules, problems)
        if test is not None:
            tests.append(test)
    problems.raise_any()
    return tests


def read_jsonl_tests(text: str, *, source: str, rules: CaseRules) -> list[RawTest]:
    """Tests from JSON Lines: one test object per line; blank lines skipped."""
    problems = _Problems(source)
    name = Path(source).name
    tests: list[RawTest] = []
    for line, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.add(
                line, exc.colno, f"{name}:{line}: invalid JSON: {exc.msg} (column {exc.colno})"
            )
            continue
        doc = Document(Path(source), obj, {(): line})
        try:
            tests.append(read_test(doc, (), obj, rules))
        except ConfigError as exc:
            problems.add(line, None, exc.message)
    problems.raise_any()
    return tests


def _public(
    reader: Callable[..., list[RawTest]], text: str, source: str, allow_code: bool
) -> list[TestCase]:
    rules = CaseRules(allow_code=allow_code)
    return [
        case for raw in reader(text, source=source, rules=rules) for case in expand_test(raw, None)
    ]


def parse_tests_csv(text: str, *, source: str, allow_code: bool = False) -> list[TestCase]:
    """Test cases from promptfoo-style CSV text; ConfigError lists every bad line."""
    return _public(read_csv_tests, text, source, allow_code)


def parse_tests_jsonl(text: str, *, source: str, allow_code: bool = False) -> list[TestCase]:
    """Test cases from JSONL text (one test object a line); ConfigError lists every bad line."""
    return _public(read_jsonl_tests, text, source, allow_code)
