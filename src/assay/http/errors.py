"""The one place that maps Assay's error tree to HTTP statuses and error bodies."""

from __future__ import annotations

import json
import logging
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from assay.domain.errors import (
    AssayError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    OpenRouterKeyMissing,
    StorageError,
)

log = logging.getLogger(__name__)


class Unauthorized(AssayError):
    """No valid credentials were presented."""

    code = "unauthorized"


class PayloadTooLarge(InvalidInput):
    """The body or import is larger than Assay accepts."""

    code = "payload_too_large"


class UnsupportedMediaType(InvalidInput):
    """The body's content type is not one the route reads."""

    code = "unsupported_media_type"


# Most specific first: the first class an error is an instance of decides its status.
STATUS_BY_ERROR: tuple[tuple[type[AssayError], int], ...] = (
    (Unauthorized, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (Conflict, 409),
    # well formed, but this server cannot call the models it names
    (OpenRouterKeyMissing, 422),
    (PayloadTooLarge, 413),
    (UnsupportedMediaType, 415),
    (StorageError, 503),
)


def status_for(exc: AssayError) -> int:
    """The HTTP status of an Assay error; anything unlisted is the caller's mistake (422/400)."""
    for cls, status in STATUS_BY_ERROR:
        if isinstance(exc, cls):
            return status
    return 400


def error_response(status: int, code: str, message: str, details: Any = None) -> Response[str]:
    """A JSON error body: {"error": {"code", "message", "details"}}."""
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps(body, default=str),
    )


def from_assay_error(exc: AssayError) -> Response[str]:
    status = status_for(exc)
    if status >= 500:
        log.error("request failed", extra={"error_code": exc.code})
    return error_response(status, exc.code, exc.message, exc.details)
