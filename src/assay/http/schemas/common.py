"""What every resource shares: the error body, documented error statuses, opaque cursors."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, ConfigDict, Field

from assay.domain.errors import InvalidInput

MAX_PAGE = 500
DEFAULT_PAGE = 100


class Request(BaseModel):
    """A request body: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(BaseModel):
    """The inside of an error body."""

    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer: {"error": {"code", "message", "details"}}."""

    error: ErrorDetail


_WHY = {
    400: "The request is malformed (bad cursor, bad value, bad import line)",
    401: "No valid credentials",
    404: "No such resource in the caller's workspace",
    409: "The change clashes with stored state",
    413: "The body or import is too large",
    415: "The body's content type is not one the route reads",
    422: "The request does not match the schema (unknown field, wrong type, bad UUID)",
}


def error_responses(*statuses: int) -> dict[int, OpenAPIResponse]:
    """OpenAPI `responses=` for the error statuses a route can answer (401 and 422 always)."""
    codes = sorted({401, 422, *statuses})
    return {
        code: {
            "description": _WHY.get(code, "Error"),
            "content": {"application/json": {"model": ErrorBody}},
        }
        for code in codes
    }


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
