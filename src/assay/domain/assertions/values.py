"""How assertion values become text: JavaScript-like string forms and comma-separated lists."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from assay.domain.errors import AssertionConfigError


def as_text(value: Any) -> str:
    """The string JavaScript's `String(value)` gives, so YAML numbers compare as promptfoo does."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def is_scalar(value: Any) -> bool:
    """A string or a number (not a boolean)."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def as_list(value: Any) -> tuple[str, ...]:
    """A list value, or a comma-separated string split by promptfoo's rules."""
    if isinstance(value, str):
        items = split_commas(value)
    elif isinstance(value, list | tuple):
        if not all(is_scalar(item) for item in value):
            raise AssertionConfigError("every item of the value list must be a string or a number")
        items = tuple(as_text(item) for item in value)
    else:
        raise AssertionConfigError("value must be a list or a comma-separated string")
    if not items:
        raise AssertionConfigError("value must name at least one string")
    return items


@lru_cache(maxsize=4096)
def split_commas(text: str) -> tuple[str, ...]:
    """Split on commas; fields are trimmed, empty ones dropped, "double quotes" keep commas."""
    fields: list[str] = []
    i, end = 0, len(text)
    while True:
        while i < end and (text[i].isspace() or text[i] == ","):
            i += 1
        if i >= end:
            return tuple(fields)
        if text[i] == '"':
            field, i = _quoted(text, i + 1)
            while i < end and text[i].isspace():
                i += 1
            if i < end and text[i] != ",":
                raise AssertionConfigError(f"expected a comma after the quoted value {field!r}")
        else:
            stop = text.find(",", i)
            stop = end if stop < 0 else stop
            field, i = text[i:stop].strip(), stop
        fields.append(field)


def _quoted(text: str, i: int) -> tuple[str, int]:
    """Read a quoted field from just after its opening quote; `\\"`, `\\\\` and `""` escape."""
    chars: list[str] = []
    end = len(text)
    while i < end:
        char = text[i]
        nxt = text[i + 1] if i + 1 < end else ""
        if (char == "\\" and nxt in ('"', "\\")) or (char == '"' and nxt == '"'):
            chars.append(nxt)
            i += 2
        elif char == '"':
            return "".join(chars), i + 1
        else:
            chars.append(char)
            i += 1
    raise AssertionConfigError("unterminated quoted field in the value")
