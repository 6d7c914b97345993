"""`.jsonl` export: one result object per line, nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from assay.domain.models import ResultRecord, SummaryRow
from assay.exports.atomic import atomic_text
from assay.exports.meta import RunMeta


class JsonlWriter:
    """Writes each `ResultRecord` as one line of UTF-8 JSON, fields named as in the model."""

    extension = ".jsonl"

    def write(
        self,
        path: Path,
        *,
        records: Iterable[ResultRecord],
        summary: Sequence[SummaryRow],
        meta: RunMeta,
    ) -> int:
        """Stream `records` to `path`; the summary and meta are not part of this format."""
        count = 0
        with atomic_text(path, newline="\n") as fh:
            for record in records:
                # pydantic writes UTF-8 as is and escapes newlines inside strings: one line each.
                fh.write(record.model_dump_json())
                fh.write("\n")
                count += 1
        return count
