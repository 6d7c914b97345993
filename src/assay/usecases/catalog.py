"""The model catalog: OpenRouter's `/models` cached in Postgres, plus the offline `local:*` models.

`OpenRouterCatalog` is the `catalog` service of the API. Routes are synchronous, so it runs the
async client on a short-lived event loop in a worker thread (never on a caller's running loop).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assay.domain.errors import TransientError

FETCH_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class CatalogEntry:
    """One model: prices are USD per token."""

    id: str
    name: str | None = None
    context_length: int | None = None
    prompt_price: float | None = None
    completion_price: float | None = None


class ModelLister(Protocol):
    """`OpenAICompatibleClient` as the catalog uses it."""

    async def list_models(
        self, base_url: str | None = None, api_key: Any = None
    ) -> Sequence[Any]: ...

    async def aclose(self) -> None: ...


class ModelCatalog(Protocol):
    """Fetches the current model list from the provider."""

    def fetch(self) -> list[CatalogEntry]: ...


class CatalogStore(Protocol):
    """The cached list (`CatalogRepo`)."""

    def replace(self, entries: Sequence[CatalogEntry]) -> None: ...


class OpenRouterCatalog:
    """`GET {base_url}/models` through a client made by `client_factory` for each fetch."""

    def __init__(
        self, *, client_factory: Callable[[], ModelLister], base_url: str, api_key: Any = None
    ) -> None:
        self._factory = client_factory
        self._base_url = base_url
        self._api_key = api_key

    async def _fetch(self) -> list[CatalogEntry]:
        client = self._factory()
        try:
            models = await client.list_models(self._base_url, self._api_key)
        finally:
            await client.aclose()
        return [
            CatalogEntry(m.id, m.name, m.context_length, m.prompt_price, m.completion_price)
            for m in models
        ]

    def fetch(self) -> list[CatalogEntry]:
        """The provider's models now; ProviderError when it cannot be reached."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(asyncio.run, self._fetch())
            try:
                return future.result(timeout=FETCH_TIMEOUT_S)
            except concurrent.futures.TimeoutError as exc:
                raise TransientError(f"listing models at {self._base_url} timed out") from exc


def refresh_catalog(*, catalog: ModelCatalog, store: CatalogStore) -> int:
    """Replace the cached list with the provider's current one; how many models it holds."""
    entries = catalog.fetch()
    store.replace(entries)
    return len(entries)
