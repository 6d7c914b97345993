"""The LLM client for OpenRouter and any OpenAI-compatible `/chat/completions` endpoint."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport
from pydantic import BaseModel, ConfigDict, SecretStr

from assay.adapters.openrouter_responses import completion_from_body, error_for_status, excerpt
from assay.adapters.sse import StreamAccumulator
from assay.domain.errors import PermanentError, ProviderError, TransientError
from assay.domain.models import ChatMessage, Completion, ProviderSpec, Usage

log = logging.getLogger(__name__)

OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1"
OPENAI_BASE_URL = "https://api.openai.com/v1"
DEFAULT_KEY_ENV = {"openrouter": "OPENROUTER_API_KEY", "openai": "OPENAI_API_KEY"}
PRICES_RETRY_S = 300.0  # after a failed /models fetch, calls go without fallback prices this long
NETWORK_ERRORS = (httpx.TransportError, aiohttp.ClientError, TimeoutError, OSError)


class ModelInfo(BaseModel):
    """One entry of `GET /models`: prices are USD per token."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str | None = None
    context_length: int | None = None
    prompt_price: float | None = None
    completion_price: float | None = None


class OpenAICompatibleClient:
    """Calls `POST {base}/chat/completions` once per `complete`; pooled clients per base URL."""

    def __init__(
        self,
        *,
        openrouter_base_url: str = OPENROUTER_BASE_URL,
        read_timeout: float = 120.0,
        connect_timeout: float = 10.0,
        max_connections: int = 200,
        referer: str | None = None,
        title: str = "Assay",
        env: Mapping[str, str] | None = None,
    ) -> None:
        self._openrouter_base = openrouter_base_url.rstrip("/")
        self._timeout = httpx.Timeout(connect_timeout, read=read_timeout, write=30.0, pool=None)
        self._limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        self._referer = referer
        self._title = title
        self._env: Mapping[str, str] = os.environ if env is None else env
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._transports: dict[str, AiohttpTransport] = {}
        self._timeout_ext = self._timeout.as_dict()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._price_locks: dict[str, asyncio.Lock] = {}
        self._prices: dict[str, dict[str, ModelInfo]] = {}
        self._prices_failed_at: dict[str, float] = {}

    def __repr__(self) -> str:
        return f"OpenAICompatibleClient(bases={sorted(self._clients)})"

    async def complete(self, provider: ProviderSpec, messages: Sequence[ChatMessage]) -> Completion:
        """One attempt at a chat completion; every failure raised as a ProviderError."""
        base = self._base_url(provider)
        key = self._api_key(provider)
        params = dict(provider.params)
        stream = bool(params.pop("stream", False))
        body: dict[str, Any] = {
            **params,
            "model": provider.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
        }
        if stream:
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        headers = self._headers(provider, key)
        client = self._client(base)
        url = f"{base}/chat/completions"
        started = time.perf_counter()
        try:
            if stream:
                completion = await self._stream(client, url, body, headers, provider.id, key)
            else:
                response = await self._post(base, url, body, headers)
                try:
                    raw = await response.aread()
                finally:
                    await response.aclose()
                if response.status_code != 200:
                    raise error_for_status(
                        status=response.status_code,
                        raw=raw,
                        headers=response.headers,
                        label=provider.id,
                        secret=key,
                    )
                completion = completion_from_body(raw, label=provider.id, secret=key, latency_ms=0)
        except ProviderError:
            raise
        except NETWORK_ERRORS as exc:
            raise TransientError(
                f"{provider.id}: network error calling {base}: {type(exc).__name__}"
            ) from exc
        latency_ms = (time.perf_counter() - started) * 1000.0
        update: dict[str, Any] = {"latency_ms": latency_ms}
        usage = completion.usage
        if usage.cost is None and usage.total_tokens > 0:
            cost = await self._fallback_cost(base, key, completion.model or provider.model, usage)
            if cost is not None:
                update["usage"] = usage.model_copy(update={"cost": cost})
        return completion.model_copy(update=update)

    async def _post(
        self, base: str, url: str, body: dict[str, Any], headers: dict[str, str]
    ) -> httpx.Response:
        """POST straight through the pooled transport: cookies, redirects and auth hooks of
        `AsyncClient.send` cost more than the call itself at hundreds of calls per second."""
        self._client(base)  # makes sure the transport exists for this event loop
        request = httpx.Request(
            "POST",
            url,
            content=json.dumps(body).encode(),
            headers={**headers, "Content-Type": "application/json"},
            extensions={"timeout": self._timeout_ext},
        )
        return await self._transports[base].handle_async_request(request)

    async def _stream(
        self,
        client: httpx.AsyncClient,
        url: str,
        body: dict[str, Any],
        headers: dict[str, str],
        label: str,
        key: str | None,
    ) -> Completion:
        async with client.stream("POST", url, json=body, headers=headers) as response:
            if response.status_code != 200:
                raw = await response.aread()
                raise error_for_status(
                    status=response.status_code,
                    raw=raw,
                    headers=response.headers,
                    label=label,
                    secret=key,
                )
            acc = StreamAccumulator(label=label, secret=key)
            async for line in response.aiter_lines():
                acc.feed_line(line)
                if acc.done:
                    break
            return acc.finish()

    async def list_models(
        self, base_url: str | None = None, api_key: str | SecretStr | None = None
    ) -> list[ModelInfo]:
        """The models `GET {base}/models` lists, with their prices."""
        base = (base_url or self._openrouter_base).rstrip("/")
        key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        try:
            response = await self._client(base).get(f"{base}/models", headers=headers)
            raw = await response.aread()
        except NETWORK_ERRORS as exc:
            raise TransientError(f"network error listing models at {base}") from exc
        if response.status_code != 200:
            raise error_for_status(
                status=response.status_code,
                raw=raw,
                headers=response.headers,
                label=f"{base}/models",
                secret=key,
            )
        try:
            data = response.json().get("data")
        except (ValueError, AttributeError) as exc:
            raise TransientError(f"{base}/models is not JSON: {excerpt(raw, key)!r}") from exc
        return [_model_info(item) for item in data or [] if isinstance(item, dict) and "id" in item]

    async def aclose(self) -> None:
        """Close every pooled client."""
        clients, self._clients, self._transports = list(self._clients.values()), {}, {}
        for client in clients:
            await client.aclose()

    def _client(self, base: str) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # pooled connections belong to one event loop; a new loop needs new clients
            self._loop, self._clients, self._price_locks = loop, {}, {}
            self._transports = {}
        client = self._clients.get(base)
        if client is None:
            transport = AiohttpTransport(limits=self._limits)
            client = httpx.AsyncClient(transport=transport, timeout=self._timeout)
            self._clients[base], self._transports[base] = client, transport
        return client

    def _base_url(self, provider: ProviderSpec) -> str:
        if provider.base_url:
            return provider.base_url.rstrip("/")
        if provider.kind == "openai":
            return OPENAI_BASE_URL
        return self._openrouter_base

    def _api_key(self, provider: ProviderSpec) -> str | None:
        if provider.api_key is not None:
            return provider.api_key.get_secret_value()
        name = provider.api_key_env or DEFAULT_KEY_ENV.get(provider.kind)
        value = self._env.get(name) if name else None
        if value:
            return value
        if provider.api_key_env is None and provider.kind == "openai" and provider.base_url:
            return None  # a self-hosted OpenAI-compatible server may need no key
        hint = f"set the environment variable {name}" if name else "set api_key_env"
        raise PermanentError(f"{provider.id}: no API key; {hint}")

    def _headers(self, provider: ProviderSpec, key: str | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        if provider.kind == "openrouter":
            headers["X-OpenRouter-Title"] = self._title
            if self._referer:
                headers["HTTP-Referer"] = self._referer
        return headers

    async def _fallback_cost(
        self, base: str, key: str | None, model: str, usage: Usage
    ) -> float | None:
        prices = await self._model_prices(base, key)
        info = prices.get(model)
        if info is None or info.prompt_price is None or info.completion_price is None:
            return None
        prompt_cost = usage.prompt_tokens * info.prompt_price
        return prompt_cost + usage.completion_tokens * info.completion_price

    async def _model_prices(self, base: str, key: str | None) -> dict[str, ModelInfo]:
        """Prices from `/models`, fetched once per base URL and kept in memory."""
        if base in self._prices:
            return self._prices[base]
        lock = self._price_locks.setdefault(base, asyncio.Lock())
        async with lock:
            if base in self._prices:
                return self._prices[base]
            failed_at = self._prices_failed_at.get(base)
            if failed_at is not None and time.monotonic() - failed_at < PRICES_RETRY_S:
                return {}
            try:
                models = await self.list_models(base, key)
            except ProviderError as exc:
                self._prices_failed_at[base] = time.monotonic()
                log.warning("model prices unavailable", extra={"base_url": base, "error": exc.code})
                return {}
            self._prices[base] = {m.id: m for m in models}
            return self._prices[base]


def _model_info(item: dict[str, Any]) -> ModelInfo:
    raw_pricing = item.get("pricing")
    pricing: dict[str, Any] = raw_pricing if isinstance(raw_pricing, dict) else {}
    context = item.get("context_length")
    return ModelInfo(
        id=str(item["id"]),
        name=item.get("name") if isinstance(item.get("name"), str) else None,
        context_length=int(context) if isinstance(context, int | float) else None,
        prompt_price=_price(pricing.get("prompt")),
        completion_price=_price(pricing.get("completion")),
    )


def _price(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
