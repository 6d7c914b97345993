"""Server-sent events of an OpenAI-compatible chat stream, folded into one completion."""

from __future__ import annotations

import json
from typing import Any

from assay.adapters.openrouter_responses import error_parts, message_text, parse_usage, redact
from assay.domain.errors import TransientError
from assay.domain.models import Completion, Usage


class StreamAccumulator:
    """Feed it the stream's lines; it keeps the text, the finish reason and the last usage."""

    def __init__(self, *, label: str, secret: str | None = None) -> None:
        self._label = label
        self._secret = secret
        self._parts: list[str] = []
        self._data: list[str] = []
        self.finish_reason: str | None = None
        self.usage: Usage | None = None
        self.model: str | None = None
        self.done = False

    def feed_line(self, line: str) -> None:
        """Take one line of the stream (without its newline)."""
        if self.done:
            return
        if not line:
            self._dispatch()
        elif line.startswith(":"):
            return  # a comment, e.g. ": OPENROUTER PROCESSING" keep-alives
        elif line.startswith("data:"):
            value = line[5:]
            self._data.append(value[1:] if value.startswith(" ") else value)

    def finish(self) -> Completion:
        """The completion once the stream has ended; TransientError if it ended early."""
        self._dispatch()
        if not self.done and self.finish_reason is None:
            raise TransientError(f"{self._label}: the stream ended before [DONE]", status=200)
        return Completion(
            text="".join(self._parts),
            finish_reason=self.finish_reason,
            usage=self.usage or Usage(),
            model=self.model,
        )

    def _dispatch(self) -> None:
        if not self._data:
            return
        data = "\n".join(self._data)
        self._data = []
        if data.strip() == "[DONE]":
            self.done = True
            return
        try:
            chunk = json.loads(data)
        except ValueError as exc:
            raise TransientError(
                f"{self._label}: a stream event is not JSON: {redact(data[:200], self._secret)!r}",
                status=200,
            ) from exc
        if isinstance(chunk, dict):
            self._take(chunk)

    def _take(self, chunk: dict[str, Any]) -> None:
        message, code, _ = error_parts(chunk)
        if message is not None or code is not None:
            raise TransientError(
                f"{self._label}: error in the stream: {redact(message or '', self._secret)}",
                status=200,
                provider_code=code,
            )
        if isinstance(chunk.get("model"), str):
            self.model = chunk["model"]
        usage = parse_usage(chunk.get("usage"))
        if usage is not None:
            self.usage = usage
        choices = chunk.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            return
        choice = choices[0]
        delta = choice.get("delta")
        if isinstance(delta, dict):
            self._parts.append(message_text(delta.get("content")))
        finish = choice.get("finish_reason")
        if finish == "error" or choice.get("error"):
            raise TransientError(
                f"{self._label}: the upstream provider failed mid-stream", status=200
            )
        if finish is not None:
            self.finish_reason = str(finish)
