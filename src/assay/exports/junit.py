"""`.xml` export: JUnit XML, one `<testsuite>` per prompt × provider, one `<testcase>` per result.

Records should arrive ordered by (prompt, provider): each change of pair closes one suite.
A pair that comes back later opens another `<testsuite>` of the same name rather than failing,
and its counts stay right; CI tools list such suites side by side.

A suite's counts are known only at its end, yet its opening tag comes first. The opening tag
reserves a run of spaces (whitespace between attributes is valid XML); once the suite is
closed the writer seeks back and writes the counts into that room. One pass, no buffering.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from assay.domain.models import ResultRecord, SummaryRow
from assay.exports.atomic import atomic_binary
from assay.exports.meta import RunMeta
from assay.exports.reasons import failing_reasons

# Characters XML 1.0 cannot carry at all, not even as references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SLOT = 120  # room for the tests/failures/errors/skipped/time attributes, 10-digit counts
_MESSAGE_MAX = 1000


def clean(text: str) -> str:
    """Drop the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def _attr(text: str) -> str:
    return quoteattr(clean(text))


@dataclass
class _Counts:
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    time: float = 0.0

    def add(self, other: _Counts) -> None:
        self.tests += other.tests
        self.failures += other.failures
        self.errors += other.errors
        self.skipped += other.skipped
        self.time += other.time

    def attributes(self) -> bytes:
        text = (
            f' tests="{self.tests}" failures="{self.failures}" errors="{self.errors}"'
            f' skipped="{self.skipped}" time="{self.time:.3f}"'
        )
        return text.encode("ascii")


def _case_name(record: ResultRecord) -> str:
    where = f"case {record.case_index}" + (f", repeat {record.repeat}" if record.repeat else "")
    return f"{record.description} ({where})" if record.description else where


def _testcase(record: ResultRecord, counts: _Counts) -> str:
    """One `<testcase>` element; tallies its outcome into `counts`."""
    seconds = (record.latency_ms or 0.0) / 1000
    counts.tests += 1
    counts.time += seconds
    head = (
        f"    <testcase name={_attr(_case_name(record))} classname={_attr(record.provider)}"
        f' time="{seconds:.3f}"'
    )
    body: list[str] = []
    if record.error is not None or record.state == "failed":
        counts.errors += 1
        message = record.error or "the cell failed"
        attr = _attr(message[:_MESSAGE_MAX])
        body.append(f'<error type="error" message={attr}>{escape(clean(message))}</error>')
    elif record.state in ("pending", "leased", "cancelled"):
        counts.skipped += 1
        body.append(f'<skipped message="{record.state}"/>')
    elif record.passed is False:
        counts.failures += 1
        reasons = failing_reasons(record) or ["assertions failed"]
        message = "; ".join(reasons)[:_MESSAGE_MAX]
        detail = escape(clean("\n".join(reasons)))
        body.append(f'<failure type="assertion" message={_attr(message)}>{detail}</failure>')
    if record.output is not None:
        body.append(f"<system-out>{escape(clean(record.output))}</system-out>")
    if not body:
        return head + "/>\n"
    return head + ">\n      " + "\n      ".join(body) + "\n    </testcase>\n"


class _SuiteWriter:
    """Writes suites into a seekable binary file, filling in counts when each one closes."""

    def __init__(self, fh: BinaryIO, timestamp: str) -> None:
        self._fh = fh
        self._timestamp = timestamp
        self._slot_at: int | None = None
        self._suite_slot = 0
        self.key: tuple[str, str] | None = None
        self.current = _Counts()
        self.total = _Counts()

    def open_root(self, name: str) -> None:
        self._fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        self._fh.write(f"<testsuites name={_attr(name)}".encode())
        self._slot_at = self._reserve()

    def open_suite(self, key: tuple[str, str]) -> None:
        self.close_suite()
        self.key = key
        name = f"{key[0]} / {key[1]}"
        tag = f"  <testsuite name={_attr(name)} timestamp={_attr(self._timestamp)}"
        self._fh.write(tag.encode())
        self._suite_slot = self._reserve()

    def write_case(self, text: str) -> None:
        self._fh.write(text.encode("utf-8", errors="replace"))

    def close_suite(self) -> None:
        if self.key is None:
            return
        self._fh.write(b"  </testsuite>\n")
        self._fill(self._suite_slot, self.current)
        self.total.add(self.current)
        self.current = _Counts()
        self.key = None

    def close_root(self) -> None:
        self.close_suite()
        self._fh.write(b"</testsuites>\n")
        assert self._slot_at is not None
        self._fill(self._slot_at, self.total)

    def _reserve(self) -> int:
        at = self._fh.tell()
        self._fh.write(b" " * _SLOT + b">\n")
        return at

    def _fill(self, at: int, counts: _Counts) -> None:
        attributes = counts.attributes()
        if len(attributes) > _SLOT:
            raise ValueError("suite counts do not fit the reserved room")
        end = self._fh.tell()
        self._fh.seek(at)
        self._fh.write(attributes)
        self._fh.seek(end)


class JunitWriter:
    """Writes results as JUnit XML for CI systems."""

    extension = ".xml"

    def write(
        self,
        path: Path,
        *,
        records: Iterable[ResultRecord],
        summary: Sequence[SummaryRow],
        meta: RunMeta,
    ) -> int:
        """Stream `records`, ordered by (prompt, provider), to `path` as JUnit XML."""
        with atomic_binary(path) as fh:
            suites = _SuiteWriter(fh, meta.created_iso())
            suites.open_root(meta.description or f"assay run {meta.run_id}")
            for record in records:
                key = (record.prompt_label, record.provider)
                if key != suites.key:
                    suites.open_suite(key)
                suites.write_case(_testcase(record, suites.current))
            suites.close_root()
        return suites.total.tests
