"""`.json` export: one document, its `results` array streamed record by record.

Shape::

    {"version": 1, "run": RunMeta, "summary": [SummaryRow, ...], "results": [ResultRecord, ...]}

Each result has the same fields as a `.jsonl` line. For promptfoo users, the fields map as
follows (promptfoo name → Assay name): `success` → `passed`, `score` → `score`,
`gradingResult` → `grading` (`pass` → `passed`, `componentResults` → `results`),
`latencyMs` → `latency_ms`, `cost` → `cost`, `response.output` → `output`,
`prompt.label` → `prompt_label`, `provider.id`/`label` → `provider`, `vars` → `vars`,
`testCase.description` → `description`, `testIdx` → `case_index`, `error` → `error`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from assay.domain.models import ResultRecord, SummaryRow
from assay.exports.atomic import atomic_text
from assay.exports.meta import RunMeta

FORMAT_VERSION = 1


class JsonWriter:
    """Writes the run, its summary and every result as one JSON document."""

    extension = ".json"

    def write(
        self,
        path: Path,
        *,
        records: Iterable[ResultRecord],
        summary: Sequence[SummaryRow],
        meta: RunMeta,
    ) -> int:
        """Stream `records` into the `results` array of the document at `path`."""
        count = 0
        with atomic_text(path, newline="\n") as fh:
            fh.write(f'{{"version": {FORMAT_VERSION}, "run": {meta.model_dump_json()},')
            fh.write('\n "summary": [')
            fh.write(",".join(f"\n  {row.model_dump_json()}" for row in summary))
            fh.write('\n ],\n "results": [')
            for record in records:
                fh.write("\n  " if count == 0 else ",\n  ")
                fh.write(record.model_dump_json())
                count += 1
            fh.write("\n ]\n}\n")
        return count
