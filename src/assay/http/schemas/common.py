"""What every resource shares: the request base and opaque keyset cursors."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from assay.domain.errors import InvalidInput
from assay.http.openapi import ApiModel

MAX_PAGE = 500
DEFAULT_PAGE = 100


# Request bodies refuse unknown fields (422); one base for the whole API.
Request = ApiModel


def _not_blank(value: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


# A name a person gives a thing: not blank, kept without surrounding spaces.
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_not_blank)]


def encode_cursor(key: list[Any]) -> str:
    """An opaque cursor for a keyset position."""
    raw = json.dumps(key, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, shape: tuple[type, ...]) -> list[Any] | None:
    """The keyset position of a cursor; InvalidInput when it is not one this API issued."""
    if cursor is None or cursor == "":
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if (
        not isinstance(key, list)
        or len(key) != len(shape)
        or not all(
            isinstance(v, t) and not (t is int and isinstance(v, bool))
            for v, t in zip(key, shape, strict=True)
        )
    ):
        raise InvalidInput(
            "bad cursor: pass back a next_cursor this API returned", details={"field": "cursor"}
        )
    return key
