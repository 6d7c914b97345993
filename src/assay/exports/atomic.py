"""Write a file under a temporary name and move it into place only once it is complete."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from assay.domain.errors import InvalidInput


def temp_path(path: Path) -> Path:
    """The sibling name a file is written under before it is complete."""
    return path.with_suffix(path.suffix + ".tmp")


@contextmanager
def _replace_when_done(path: Path) -> Iterator[Path]:
    tmp = temp_path(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(
            f"cannot write results to {path}: {exc.strerror or exc}", details={"path": str(path)}
        ) from exc
    except BaseException:
        # A crash or interrupt mid-write must leave neither a half file nor a stray temp file.
        tmp.unlink(missing_ok=True)
        raise


def _sync(fh: TextIO | BinaryIO) -> None:
    fh.flush()
    os.fsync(fh.fileno())


@contextmanager
def atomic_text(path: Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """Open `path` for UTF-8 text writing; the real name appears only when the block succeeds."""
    with _replace_when_done(path) as tmp, open(tmp, "w", encoding="utf-8", newline=newline) as fh:
        yield fh
        _sync(fh)


@contextmanager
def atomic_binary(path: Path) -> Iterator[BinaryIO]:
    """Open `path` for binary writing; the real name appears only when the block succeeds."""
    with _replace_when_done(path) as tmp, open(tmp, "wb") as fh:
        yield fh
        _sync(fh)
