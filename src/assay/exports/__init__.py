"""Result export files (`assay run -o`): `.json`, `.jsonl`, `.csv` and JUnit `.xml`.

Writers stream: they take an iterable of `ResultRecord`, never hold all of it, and write under
`<name>.tmp` before moving the finished file into place.
"""

from assay.exports.meta import ExportStatus, RunMeta
from assay.exports.registry import (
    SUPPORTED_EXTENSIONS,
    ExportWriter,
    check_output_paths,
    write_outputs,
    writer_for,
)

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "ExportStatus",
    "ExportWriter",
    "RunMeta",
    "check_output_paths",
    "write_outputs",
    "writer_for",
]
