"""Deterministic offline models (`local:*`): instant answers for demos, tests and benchmarks."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from assay.domain.errors import PermanentError
from assay.domain.models import ChatMessage, Completion, ProviderSpec, Usage


def _last_user(messages: Sequence[ChatMessage]) -> str:
    """The content of the last user message, or '' when there is none."""
    return next((m.content for m in reversed(messages) if m.role == "user"), "")


_ANSWERS: dict[str, Callable[[str], str]] = {
    "echo": lambda text: text,
    "reverse": lambda text: text[::-1],
    "upper": lambda text: text.upper(),
    "json": lambda text: json.dumps({"echo": text}, ensure_ascii=False),
}

LOCAL_MODELS: frozenset[str] = frozenset(_ANSWERS)


def _words(text: str) -> int:
    return len(text.split())


class LocalModels:
    """An LLMClient for `provider.kind == "local"`; answers are pure functions of the messages."""

    async def complete(self, provider: ProviderSpec, messages: Sequence[ChatMessage]) -> Completion:
        """Answer at once, as the named local model would."""
        name = provider.model.removeprefix("local:")
        answer = _ANSWERS.get(name)
        if answer is None:
            known = ", ".join(f"local:{n}" for n in sorted(LOCAL_MODELS))
            raise PermanentError(f"{provider.id}: unknown local model {name!r}; known: {known}")
        text = answer(_last_user(messages))
        prompt_tokens = sum(_words(m.content) for m in messages)
        completion_tokens = _words(text)
        return Completion(
            text=text,
            finish_reason="stop",
            usage=Usage(
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                total_tokens=prompt_tokens + completion_tokens,
                cost=0.0,
            ),
            latency_ms=0.0,
            model=f"local:{name}",
        )

    async def aclose(self) -> None:
        """Nothing to release."""
