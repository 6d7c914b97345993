"""Translate OpenAI-compatible response bodies and statuses into completions or the error tree."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from typing import Any

from assay.domain.errors import PermanentError, ProviderError, RateLimited, TransientError
from assay.domain.models import Completion, Usage

TRANSIENT_STATUSES = frozenset({408, 425, 500, 502, 503, 504, 520, 522, 524, 529})
EXCERPT_CHARS = 200


def redact(text: str, secret: str | None) -> str:
    """The text with any occurrence of the secret masked."""
    return text.replace(secret, "***") if secret else text


def excerpt(raw: bytes | str, secret: str | None) -> str:
    """A short, single-line, secret-free excerpt of a body for an error message."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    text = " ".join(redact(text, secret).split())
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from `Retry-After` or `X-RateLimit-Reset`, preferring the more precise."""
    now = time.time() if now is None else now
    raw_after = (headers.get("retry-after") or "").strip()
    after_seconds: float | None = None
    fractional = False
    if raw_after:
        try:
            after_seconds = float(raw_after)
            fractional = "." in raw_after
        except ValueError:
            after_seconds = _http_date_seconds(raw_after, now)
    if fractional:
        return max(0.0, after_seconds or 0.0)
    reset = _reset_seconds(headers.get("x-ratelimit-reset"), now)
    if reset is not None:
        return reset
    return None if after_seconds is None else max(0.0, after_seconds)


def _http_date_seconds(value: str, now: float) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def _reset_seconds(value: str | None, now: float) -> float | None:
    """`X-RateLimit-Reset` is epoch milliseconds on OpenRouter; accept epoch seconds too."""
    if not value:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if number > 1e11:
        return max(0.0, number / 1000.0 - now)
    if number > 1e8:
        return max(0.0, number - now)
    return max(0.0, number)  # some providers send a relative number of seconds


def error_parts(body: Any) -> tuple[str | None, str | None, dict[str, Any]]:
    """(message, code, metadata) from an `{"error": {...}}` body, when there is one."""
    if not isinstance(body, dict):
        return None, None, {}
    err = body.get("error")
    if isinstance(err, str):
        return err, None, {}
    if not isinstance(err, dict):
        return None, None, {}
    message = err.get("message")
    code = err.get("code")
    metadata = err.get("metadata")
    return (
        str(message) if message is not None else None,
        str(code) if code is not None else None,
        metadata if isinstance(metadata, dict) else {},
    )


def error_for_status(
    *,
    status: int,
    raw: bytes,
    headers: Mapping[str, str],
    label: str,
    secret: str | None,
) -> ProviderError:
    """The error a non-2xx answer means."""
    try:
        body: Any = json.loads(raw) if raw else None
    except ValueError:
        body = None
    message, code, metadata = error_parts(body)
    text = redact(message, secret) if message else excerpt(raw, secret) or "no body"
    full = f"{label}: HTTP {status}: {text}"
    details = {"metadata": _safe_metadata(metadata, secret)} if metadata else {}
    kw: dict[str, Any] = {"status": status, "provider_code": code, "details": details}
    if status == 429:
        return RateLimited(full, retry_after=retry_after_seconds(headers), **kw)
    if status in TRANSIENT_STATUSES or status >= 500:
        return TransientError(full, **kw)
    return PermanentError(full, **kw)


def _safe_metadata(metadata: dict[str, Any], secret: str | None) -> dict[str, Any]:
    """Metadata kept in error details: JSON-able, secret-free, bounded."""
    text = redact(json.dumps(metadata, default=str)[:2000], secret)
    try:
        value = json.loads(text)
    except ValueError:
        return {"excerpt": text}
    return value if isinstance(value, dict) else {"value": value}


def message_text(content: Any) -> str:
    """A message's content as text: a string, or the text parts of a list of parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text", "") for p in content if isinstance(p, dict)]
        return "".join(str(p) for p in parts)
    return str(content)


def parse_usage(raw: Any) -> Usage | None:
    """The `usage` object, when present."""
    if not isinstance(raw, dict):
        return None
    prompt = _int(raw.get("prompt_tokens"))
    completion = _int(raw.get("completion_tokens"))
    total = _int(raw.get("total_tokens")) or prompt + completion
    cost = raw.get("cost")
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=total,
        cost=float(cost) if isinstance(cost, int | float) and not isinstance(cost, bool) else None,
    )


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def completion_from_body(
    raw: bytes, *, label: str, secret: str | None, latency_ms: float
) -> Completion:
    """The completion in a 200 body, or the TransientError an upstream failure inside it means."""
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise TransientError(
            f"{label}: response is not JSON: {excerpt(raw, secret)!r}", status=200
        ) from exc
    if not isinstance(body, dict):
        raise TransientError(f"{label}: response is not a JSON object", status=200)
    message, code, _ = error_parts(body)
    if message is not None or code is not None:
        raise TransientError(
            f"{label}: error in a 200 answer: {redact(message or '', secret)}",
            status=200,
            provider_code=code,
        )
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise TransientError(f"{label}: the answer has no choices", status=200)
    choice = choices[0]
    finish = choice.get("finish_reason")
    choice_error = choice.get("error")
    if choice_error or finish == "error":
        detail, code, _ = error_parts({"error": choice_error})
        reason = redact(detail or "finish_reason=error", secret)
        raise TransientError(
            f"{label}: the upstream provider failed: {reason}",
            status=200,
            provider_code=code,
        )
    raw_msg = choice.get("message")
    msg: dict[str, Any] = raw_msg if isinstance(raw_msg, dict) else {}
    return Completion(
        text=message_text(msg.get("content")),
        finish_reason=str(finish) if finish is not None else None,
        usage=parse_usage(body.get("usage")) or Usage(),
        latency_ms=latency_ms,
        model=body.get("model") if isinstance(body.get("model"), str) else None,
    )
