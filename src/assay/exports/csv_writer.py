"""`.csv` export: one row per result, one `var:<name>` column per test variable.

Variable columns must be fixed before the first row, but a stream does not know them up front.
They come from `RunMeta.var_names` when the caller knows them (the test set does); otherwise
from the first `PEEK_RECORDS` records, in order of first appearance. A variable not among the
columns is kept in `vars_extra` as a JSON object, so no value is ever dropped.

Spreadsheet apps run cells that start with `=`, `+`, `-`, `@` (and tab or carriage return) as
formulas. Every text cell that starts so is prefixed with a single quote `'`; numbers written
by Assay itself are left alone. Readers that want the raw text strip that one quote.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import Any

from assay.domain.models import ResultRecord, SummaryRow
from assay.exports.atomic import atomic_text
from assay.exports.meta import RunMeta
from assay.exports.reasons import failing_reasons

PEEK_RECORDS = 1000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEAD_COLUMNS = ("run_id", "cell_id", "case_index", "description", "prompt", "provider", "repeat")
TAIL_COLUMNS = (
    "output", "pass", "score", "reason", "error", "latency_ms",
    "prompt_tokens", "completion_tokens", "cost", "cached",
)  # fmt: skip
EXTRA_VARS_COLUMN = "vars_extra"


def guard_text(text: str) -> str:
    """Defuse a text cell that a spreadsheet would take for a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _text(value: str | None) -> str:
    return "" if value is None else guard_text(value)


def _number(value: float | None) -> str:
    return "" if value is None else str(value)


def _flag(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _var_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return guard_text(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _row(record: ResultRecord, var_names: Sequence[str], known: frozenset[str]) -> list[str]:
    extra = {k: record.vars[k] for k in record.vars.keys() - known}
    return [
        _text(record.run_id),
        _text(record.cell_id),
        str(record.case_index),
        _text(record.description),
        _text(record.prompt_label),
        _text(record.provider),
        str(record.repeat),
        *(_var_cell(record.vars.get(name)) for name in var_names),
        json.dumps(extra, ensure_ascii=False, default=str, sort_keys=True) if extra else "",
        _text(record.output),
        _flag(record.passed),
        _number(record.score),
        _text("; ".join(failing_reasons(record))),
        _text(record.error),
        _number(record.latency_ms),
        _number(record.prompt_tokens),
        _number(record.completion_tokens),
        _number(record.cost),
        _flag(record.cached),
    ]


def _columns(
    records: Iterable[ResultRecord], hint: Sequence[str] | None
) -> tuple[list[str], Iterator[ResultRecord]]:
    """The variable names to use as columns, and the records with any peeked ones put back."""
    stream = iter(records)
    if hint is not None:
        return list(hint), stream
    # Bounded look-ahead: memory stays at PEEK_RECORDS records however long the run is.
    head = list(islice(stream, PEEK_RECORDS))
    names = list(dict.fromkeys(name for record in head for name in record.vars))
    return names, chain(head, stream)


def header(var_names: Sequence[str]) -> list[str]:
    """The header row for the given variable columns."""
    return [
        *HEAD_COLUMNS,
        *(f"var:{name}" for name in var_names),
        EXTRA_VARS_COLUMN,
        *TAIL_COLUMNS,
    ]


class CsvWriter:
    """Writes one spreadsheet-safe CSV row per result."""

    extension = ".csv"

    def write(
        self,
        path: Path,
        *,
        records: Iterable[ResultRecord],
        summary: Sequence[SummaryRow],
        meta: RunMeta,
    ) -> int:
        """Stream `records` to `path` as CSV (RFC 4180 quoting, CRLF line ends, UTF-8)."""
        var_names, stream = _columns(records, meta.var_names)
        count = 0
        with atomic_text(path, newline="") as fh:
            out = csv.writer(fh)
            out.writerow([guard_text(cell) for cell in header(var_names)])
            known = frozenset(var_names)
            for record in stream:
                out.writerow(_row(record, var_names, known))
                count += 1
        return count
