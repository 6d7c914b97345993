"""A fake OpenRouter speaking real HTTP on 127.0.0.1, for integration tests and benchmarks.

In-process: `with FakeOpenRouter(latency_ms=5) as fake: fake.base_url, fake.stats`.
As a process: `python -m tests.fakes.openrouter --port 0 --latency-ms 50` prints its base
URL on the first stdout line; `GET /_fake/stats` and `POST /_fake/config` drive it.
Random failures are a pure function of (seed, request body, attempt number), so a run
meets the same failures whatever the order requests arrive in.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from types import TracebackType
from typing import Any

from aiohttp import web

Answers = dict[str, str] | Callable[[dict[str, Any]], str] | None
DEFAULT_MODELS = ("openai/gpt-4o-mini", "anthropic/claude-3.5-haiku", "fake/model")


@dataclass(frozen=True)
class Behaviour:
    """How the fake answers; every field can be changed mid-test with `set`."""

    latency_ms: float = 0.0
    latency_ms_by_model: dict[str, float] = field(default_factory=dict)
    fail_rate_429: float = 0.0
    retry_after_s: float | str = 0.05  # a string (e.g. an HTTP date) is sent verbatim
    fail_rate_5xx: float = 0.0
    fail_rate_error_in_200: float = 0.0
    rate_limit_per_s: dict[str, int] = field(default_factory=dict)  # "*" = every model
    api_key: str | None = None
    fail_first_n: int = 0
    status_by_model: dict[str, int] = field(default_factory=dict)
    answers: Answers = None
    include_cost: bool = True
    prompt_price: float = 1e-6
    completion_price: float = 2e-6
    seed: int = 0
    models: tuple[str, ...] = DEFAULT_MODELS


@dataclass
class FakeStats:
    """What the fake has served since the last reset."""

    calls: int = 0
    ok: int = 0
    calls_by_model: Counter[str] = field(default_factory=Counter)
    calls_by_request: Counter[str] = field(default_factory=Counter)
    served_429: int = 0
    served_5xx: int = 0
    served_error_in_200: int = 0
    served_4xx: int = 0
    streams: int = 0
    models_calls: int = 0
    last_headers: dict[str, str] = field(default_factory=dict)
    in_flight: int = 0
    max_in_flight: int = 0

    def snapshot(self) -> FakeStats:
        names = ("calls_by_model", "calls_by_request", "last_headers")
        return replace(self, **{n: type(getattr(self, n))(getattr(self, n)) for n in names})

    def to_json(self) -> dict[str, Any]:
        # not dataclasses.asdict: it rebuilds a Counter from (key, value) pairs
        return {f.name: getattr(self, f.name) for f in fields(self)}


def request_key(body: dict[str, Any]) -> str:
    """The identity of a request body: equal bodies are the same request."""
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    body = {"error": {"code": status, "message": message, "metadata": {"provider_name": "Fake"}}}
    return web.json_response(body, status=status, headers=headers)


class FakeServer:
    """The aiohttp application and its state; runs on whichever loop starts it."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.stats = FakeStats()
        self._windows: dict[str, tuple[int, int]] = {}  # model -> (window second, admitted)
        self.app = web.Application()
        self.app.router.add_post("/api/v1/chat/completions", self._chat)
        self.app.router.add_get("/api/v1/models", self._models)
        self.app.router.add_get("/_fake/stats", self._get_stats)
        self.app.router.add_post("/_fake/config", self._post_config)
        self.app.router.add_post("/_fake/reset", self._post_reset)

    def set(self, **changes: Any) -> None:
        """Change behaviour; requests already running keep the one they started with."""
        unknown = set(changes) - {f.name for f in fields(Behaviour)}
        if unknown:
            raise TypeError(f"unknown fake behaviour: {sorted(unknown)}")
        if "models" in changes:
            changes["models"] = tuple(changes["models"])
        self.behaviour = replace(self.behaviour, **changes)

    def reset_stats(self) -> None:
        self.stats = FakeStats()
        self._windows.clear()

    def _draw(self, kind: str, key: str, attempt: int) -> float:
        seed = f"{self.behaviour.seed}|{kind}|{key}|{attempt}".encode()
        return int.from_bytes(hashlib.blake2b(seed, digest_size=8).digest(), "big") / 2**64

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        stats = self.stats
        stats.calls += 1
        stats.last_headers = {k.lower(): v for k, v in request.headers.items()}
        stats.in_flight += 1
        stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
        try:
            response = await self._answer(request, self.behaviour, stats)
        finally:
            stats.in_flight -= 1
        status = response.status
        if status >= 400:  # counted by status class, so every refusal path is counted once
            stats.served_429 += status == 429
            stats.served_5xx += status >= 500
            stats.served_4xx += 400 <= status < 500 and status != 429
        return response

    async def _answer(self, request: web.Request, b: Behaviour, s: FakeStats) -> web.StreamResponse:
        if b.api_key is not None and request.headers.get("Authorization") != f"Bearer {b.api_key}":
            return _error(401, "No auth credentials found")
        try:
            body = await request.json()
            model = body["model"]
            messages = body["messages"]
            if not isinstance(model, str) or not isinstance(messages, list) or not messages:
                raise ValueError("model must be a string and messages a non-empty list")
        except (ValueError, KeyError, TypeError) as exc:
            return _error(400, f"invalid request: {exc}")
        key = request_key(body)
        s.calls_by_request[key] += 1
        s.calls_by_model[model] += 1
        attempt = s.calls_by_request[key]
        if model in b.status_by_model:
            status = b.status_by_model[model]
            return _error(status, f"forced status {status} for {model}")
        limited = self._rate_limit(model, b)
        if limited is not None:
            return limited
        if attempt <= b.fail_first_n:
            return _error(503, "No instances available (fail_first_n)")
        if b.fail_rate_429 and self._draw("429", key, attempt) < b.fail_rate_429:
            after = b.retry_after_s
            value = after if isinstance(after, str) else f"{after:.3f}"
            return _error(429, "Rate limit exceeded", {"Retry-After": value})
        if b.fail_rate_5xx and self._draw("5xx", key, attempt) < b.fail_rate_5xx:
            status = 502 if self._draw("status", key, attempt) < 0.5 else 503
            return _error(status, "Upstream provider error")
        broken = bool(b.fail_rate_error_in_200) and (
            self._draw("e200", key, attempt) < b.fail_rate_error_in_200
        )
        s.served_error_in_200 += broken
        answer = _answer_text(b.answers, body, messages)
        usage = _usage(b, messages, answer)
        s.ok += not broken
        if body.get("stream"):
            s.streams += 1
            return await self._stream(request, b, model, answer, usage, broken, key)
        await self._latency(b, model)
        choice: dict[str, Any] = {
            "index": 0,
            "message": {"role": "assistant", "content": "" if broken else answer},
            "finish_reason": "error" if broken else "stop",
        }
        if broken:
            choice["error"] = {"code": 502, "message": "Upstream provider returned an error"}
        return web.json_response(
            {
                "id": f"gen-{key[:12]}-{attempt}",
                "object": "chat.completion",
                "model": model,
                "choices": [choice],
                "usage": usage,
            }
        )

    def _rate_limit(self, model: str, b: Behaviour) -> web.Response | None:
        """Fixed one-second windows per model: over the limit answers 429 until the window ends."""
        limit = b.rate_limit_per_s.get(model, b.rate_limit_per_s.get("*"))
        if limit is None:
            return None
        now = time.time()
        window, admitted = self._windows.get(model, (int(now), 0))
        if window != int(now):
            window, admitted = int(now), 0
        if admitted < limit:
            self._windows[model] = (window, admitted + 1)
            return None
        end = window + 1
        wait_ms = math.ceil((end - now) * 1000)  # rounded up: waiting it reaches the next window
        headers = {
            "Retry-After": f"{max(1, wait_ms) / 1000:.3f}",
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(end * 1000),
        }
        return _error(429, f"Rate limit exceeded: {limit} requests per second", headers)

    async def _latency(self, b: Behaviour, model: str) -> None:
        delay = b.latency_ms_by_model.get(model, b.latency_ms)
        if delay > 0:
            await asyncio.sleep(delay / 1000.0)

    async def _stream(
        self,
        request: web.Request,
        b: Behaviour,
        model: str,
        answer: str,
        usage: dict[str, Any],
        broken: bool,
        key: str,
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b": OPENROUTER PROCESSING\n\n")
        await self._latency(b, model)
        base = {"id": f"gen-{key[:12]}", "object": "chat.completion.chunk", "model": model}
        size = max(1, -(-len(answer) // 3))
        pieces = [answer[i : i + size] for i in range(0, len(answer), size)] or [""]
        events: list[dict[str, Any]] = []
        for piece in pieces[:1] if broken else pieces:
            choice = {"index": 0, "delta": {"role": "assistant", "content": piece}}
            events.append({**base, "choices": [{**choice, "finish_reason": None}]})
        if broken:
            error = {"code": 502, "message": "Upstream provider failed mid-stream"}
            choice = {"index": 0, "delta": {"content": ""}, "finish_reason": "error"}
            events.append({**base, "error": error, "choices": [choice]})
        else:
            events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            events.append({**base, "choices": [], "usage": usage})
        for event in events:
            await response.write(f"data: {json.dumps(event)}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response

    async def _models(self, request: web.Request) -> web.Response:
        self.stats.models_calls += 1
        b = self.behaviour
        pricing = {"prompt": f"{b.prompt_price:.12f}", "completion": f"{b.completion_price:.12f}"}
        data = [
            {"id": m, "name": m.split("/")[-1], "context_length": 128000, "pricing": pricing}
            for m in b.models
        ]
        return web.json_response({"data": data})

    async def _get_stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats.to_json())

    async def _post_config(self, request: web.Request) -> web.Response:
        try:
            self.set(**await request.json())
        except (TypeError, ValueError) as exc:
            return _error(400, str(exc))
        return web.json_response({"ok": True})

    async def _post_reset(self, request: web.Request) -> web.Response:
        self.reset_stats()
        return web.json_response({"ok": True})

    async def start(self, port: int = 0) -> tuple[web.AppRunner, str]:
        """Serve on 127.0.0.1; returns the runner and the base URL."""
        # no access log: the fake must stay cheap at ~1,000 requests/s
        runner = web.AppRunner(
            self.app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        host, bound = runner.addresses[0][:2]
        return runner, f"http://{host}:{bound}/api/v1"


def _last_user(messages: list[Any]) -> str:
    for m in reversed(messages):
        if isinstance(m, dict) and m.get("role") == "user":
            return str(m.get("content", ""))
    return ""


def _answer_text(answers: Answers, body: dict[str, Any], messages: list[Any]) -> str:
    if callable(answers):
        return answers(body)
    question = _last_user(messages)
    for needle, answer in (answers or {}).items():
        if needle in question:
            return answer
    return question


def _usage(b: Behaviour, messages: list[Any], answer: str) -> dict[str, Any]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in messages if isinstance(m, dict))
    completion = len(answer.split())
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if b.include_cost:
        usage["cost"] = prompt * b.prompt_price + completion * b.completion_price
    return usage


class FakeOpenRouter:
    """The fake served from a background thread with its own event loop (a context manager)."""

    def __init__(self, **behaviour: Any) -> None:
        self.server = FakeServer(Behaviour())
        self.server.set(**behaviour)
        self.base_url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None

    def __enter__(self) -> FakeOpenRouter:
        self._thread.start()
        self._runner, self.base_url = self._run(self.server.start())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            self._run(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    def _on_loop(self, fn: Callable[[], Any]) -> Any:
        """Run `fn` on the server's loop, so it never sees a request half counted."""

        async def run() -> Any:
            return fn()

        return self._run(run())

    @property
    def stats(self) -> FakeStats:
        """A consistent copy of the counters."""
        return self._on_loop(self.server.stats.snapshot)  # type: ignore[no-any-return]

    def set(self, **changes: Any) -> None:
        self._on_loop(lambda: self.server.set(**changes))

    def reset_stats(self) -> None:
        self._on_loop(self.server.reset_stats)


SCALARS = [
    f.name
    for f in fields(Behaviour)
    if f.name == "api_key"
    or (isinstance(f.default, int | float) and not isinstance(f.default, bool))
]


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tests.fakes.openrouter", description=__doc__)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--max-seconds", type=float, default=3600.0, help="stop after this long")
    p.add_argument(
        "--rate-limit",
        action="append",
        default=[],
        metavar="MODEL=N",
        help="requests per second for MODEL ('*' for every model); repeatable",
    )
    p.add_argument("--no-cost", action="store_true", help="omit usage.cost")
    defaults = Behaviour()
    for name in SCALARS:  # --latency-ms, --fail-rate-429, --fail-first-n, --seed, ...
        default = getattr(defaults, name)
        kind = str if default is None else type(default)
        p.add_argument("--" + name.replace("_", "-"), type=kind, default=default)
    return p.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    limits = {}
    for item in args.rate_limit:
        model, _, number = item.rpartition("=")
        limits[model or "*"] = int(number)
    scalars = {name: getattr(args, name) for name in SCALARS}
    server = FakeServer(
        Behaviour(**scalars, rate_limit_per_s=limits, include_cost=not args.no_cost)
    )
    runner, base_url = await server.start(args.port)
    print(base_url, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.max_seconds)
    except TimeoutError:
        pass
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
