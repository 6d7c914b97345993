"""Pick the export writer for a path by its extension, and check output paths before a run."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from assay.domain.errors import InvalidInput
from assay.domain.models import ResultRecord, SummaryRow
from assay.exports.csv_writer import CsvWriter
from assay.exports.json_writer import JsonWriter
from assay.exports.jsonl import JsonlWriter
from assay.exports.junit import JunitWriter
from assay.exports.meta import RunMeta


class ExportWriter(Protocol):
    """Streams results into one file format; returns how many records it wrote."""

    extension: str

    def write(
        self,
        path: Path,
        *,
        records: Iterable[ResultRecord],
        summary: Sequence[SummaryRow],
        meta: RunMeta,
    ) -> int: ...


_WRITERS: dict[str, ExportWriter] = {
    w.extension: w for w in (JsonWriter(), JsonlWriter(), CsvWriter(), JunitWriter())
}
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(sorted(_WRITERS))


def writer_for(path: Path) -> ExportWriter:
    """The writer for `path`'s extension (case-insensitive); InvalidInput if none fits."""
    suffix = path.suffix.lower()
    writer = _WRITERS.get(suffix)
    if writer is None:
        found = f"extension {suffix!r}" if suffix else "no extension"
        supported = ", ".join(SUPPORTED_EXTENSIONS)
        raise InvalidInput(
            f"cannot write results to {path}: {found}; use one of {supported}",
            details={"path": str(path), "supported": list(SUPPORTED_EXTENSIONS)},
        )
    return writer


def check_output_paths(paths: Sequence[Path]) -> None:
    """Refuse, before any model is called, output paths that could not be written."""
    seen: dict[Path, Path] = {}
    for path in paths:
        writer_for(path)
        resolved = path.resolve()
        if resolved in seen:
            _refuse(path, f"it is given twice (also as {seen[resolved]})")
        seen[resolved] = path
        if path.is_dir():
            _refuse(path, "it is a directory")
        parent = resolved.parent
        if not parent.is_dir():
            _refuse(path, f"the directory {parent} does not exist")
        if not os.access(parent, os.W_OK | os.X_OK):
            _refuse(path, f"the directory {parent} is not writable")
        if path.exists() and not os.access(path, os.W_OK):
            _refuse(path, "the existing file is not writable")


def _refuse(path: Path, why: str) -> None:
    raise InvalidInput(f"cannot write results to {path}: {why}", details={"path": str(path)})


def write_outputs(
    paths: Sequence[Path],
    *,
    records: Callable[[], Iterable[ResultRecord]],
    summary: Sequence[SummaryRow],
    meta: RunMeta,
) -> dict[Path, int]:
    """Write every output file; `records()` is called once per file for a fresh stream.

    For `.xml`, the stream should be ordered by (prompt, provider) so each pair is one suite.
    """
    return {
        path: writer_for(path).write(path, records=records(), summary=summary, meta=meta)
        for path in paths
    }
