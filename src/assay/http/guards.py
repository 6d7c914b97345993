"""Checks that run before a body is parsed: size, encoding and content type."""

from __future__ import annotations

import binascii
from typing import Any

from aws_lambda_powertools.event_handler.middlewares.openapi_validation import (
    OpenAPIRequestValidationMiddleware,
)

from assay.domain.errors import InvalidInput
from assay.http.errors import PayloadTooLarge, UnsupportedMediaType

MAX_BODY_BYTES = 10 * 1024 * 1024
ACCEPTED_BODY_TYPES = frozenset({"application/json", "multipart/form-data"})


def too_large(size: int, limit: int = MAX_BODY_BYTES) -> PayloadTooLarge:
    """The error for a body of `size` bytes."""
    return PayloadTooLarge(
        f"the body is larger than {limit // (1024 * 1024)} MB",
        details={"limit_bytes": limit, "size_bytes": size},
    )


def not_utf8() -> InvalidInput:
    """The error for a body that does not decode as UTF-8."""
    return InvalidInput("the body is not valid UTF-8", details={"encoding": "utf-8"})


class GuardedRequestValidation(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, preceded by our checks.

    Powertools runs request validation before every other middleware, so this is the one place
    a check can refuse a body before it is parsed; `build_app` installs it in Powertools' slot.
    """

    def __init__(self, max_body: int = MAX_BODY_BYTES) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.max_body = max_body

    def handler(self, app: Any, next_middleware: Any) -> Any:
        event = app.current_event
        body = event.body or ""
        size = len(body) * 3 // 4 if event.is_base64_encoded else len(body)
        if size > self.max_body:
            raise too_large(size, self.max_body)
        return super().handler(app, next_middleware)

    def _get_body(self, app: Any) -> dict[str, Any]:
        raw = app.current_event.headers.get("content-type") or ""
        media = raw.split(";", 1)[0].strip().lower()
        if media and media not in ACCEPTED_BODY_TYPES:
            raise UnsupportedMediaType(
                f"send the body as application/json, not {media}",
                details={"content_type": media},
            )
        try:
            _ = app.current_event.decoded_body
        except (UnicodeDecodeError, binascii.Error) as exc:
            raise not_utf8() from exc
        body: dict[str, Any] = super()._get_body(app)
        return body
