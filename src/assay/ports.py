"""Protocols the core depends on; adapters implement them, tests pass working fakes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from assay.domain.models import ChatMessage, Completion, ProviderSpec


class LLMClient(Protocol):
    """Calls one model once; translates every failure into `assay.domain.errors.ProviderError`."""

    async def complete(
        self, provider: ProviderSpec, messages: Sequence[ChatMessage]
    ) -> Completion: ...

    async def aclose(self) -> None: ...


class Clock(Protocol):
    """Time, injected; always timezone-aware."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...
