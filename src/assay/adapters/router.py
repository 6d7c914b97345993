"""Sends each call to the client for its provider's kind."""

from __future__ import annotations

from collections.abc import Sequence

from assay.domain.models import ChatMessage, Completion, ProviderSpec
from assay.ports import LLMClient


class ProviderRouter:
    """An LLMClient over several: local models offline, the rest over HTTP."""

    def __init__(self, *, remote: LLMClient, local: LLMClient) -> None:
        self._remote, self._local = remote, local

    async def complete(self, provider: ProviderSpec, messages: Sequence[ChatMessage]) -> Completion:
        client = self._local if provider.kind == "local" else self._remote
        return await client.complete(provider, messages)

    async def aclose(self) -> None:
        await self._remote.aclose()
        await self._local.aclose()
