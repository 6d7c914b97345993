"""The fake OpenRouter itself, and the model lane driving the real client against it."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from assay.adapters.openrouter import OpenAICompatibleClient
from assay.domain.errors import PermanentError, TransientError
from assay.domain.models import ChatMessage, Completion, ProviderSpec
from assay.usecases.calling import CallPolicy, ModelLane
from fakes.openrouter import FakeOpenRouter, request_key

REPO = Path(__file__).resolve().parents[2]
MODEL = "fake/model"
PROVIDER = ProviderSpec(id=f"openrouter:{MODEL}", label=MODEL, kind="openrouter", model=MODEL)
FAST = CallPolicy(base_delay=0.01, max_delay=0.05, jitter=0.5, deadline_s=60)


def ask(text: str) -> tuple[ChatMessage, ...]:
    return (ChatMessage(role="user", content=text),)


def body(text: str, model: str = MODEL) -> dict[str, object]:
    return {"model": model, "messages": [{"role": "user", "content": text}]}


@pytest.fixture
def fake() -> Iterator[FakeOpenRouter]:
    with FakeOpenRouter() as server:
        yield server


@pytest.fixture
async def client(fake: FakeOpenRouter) -> AsyncIterator[OpenAICompatibleClient]:
    llm = OpenAICompatibleClient(openrouter_base_url=fake.base_url, env={"OPENROUTER_API_KEY": "k"})
    yield llm
    await llm.aclose()


def call(client: OpenAICompatibleClient, text: str, provider: ProviderSpec = PROVIDER):
    async def fn() -> Completion:
        return await client.complete(provider, ask(text))

    return fn


async def test_lane_caps_requests_in_flight_at_the_server(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(latency_ms=20)
    lane = ModelLane(concurrency=4, policy=FAST)
    results = await asyncio.gather(*(lane.call(call(client, f"q{i}")) for i in range(24)))
    assert sorted(r[0].text for r in results) == sorted(f"q{i}" for i in range(24))
    stats = fake.stats
    assert 1 <= stats.max_in_flight <= 4
    assert stats.calls == 24
    assert set(stats.calls_by_request.values()) == {1}  # one call per distinct request


async def test_lane_retries_to_success_under_fail_first_n(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(fail_first_n=2)
    lane = ModelLane(concurrency=5, policy=FAST)
    results = await asyncio.gather(*(lane.call(call(client, f"q{i}")) for i in range(5)))
    assert [attempts for _, attempts in results] == [3] * 5
    assert [c.text for c, _ in results] == [f"q{i}" for i in range(5)]
    stats = fake.stats
    assert stats.served_5xx == 10
    assert stats.calls_by_request[request_key(body("q0"))] == 3
    assert lane.stats.retries == 10


async def test_lane_gives_up_after_max_attempts(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(fail_first_n=10)
    lane = ModelLane(concurrency=1, policy=FAST.model_copy(update={"max_attempts": 3}))
    with pytest.raises(TransientError) as info:
        await lane.call(call(client, "doomed"))
    assert info.value.status == 503
    assert info.value.details["attempts"] == 3
    assert fake.stats.calls == 3


async def test_lane_does_not_retry_a_permanent_error(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(status_by_model={MODEL: 402})
    lane = ModelLane(concurrency=2, policy=FAST)
    with pytest.raises(PermanentError):
        await lane.call(call(client, "no credits"))
    assert fake.stats.calls == 1


async def test_a_per_model_rate_limit_is_absorbed_by_the_shared_pause(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(rate_limit_per_s={MODEL: 5})
    lane = ModelLane(concurrency=12, policy=FAST)
    results = await asyncio.gather(*(lane.call(call(client, f"r{i}")) for i in range(12)))
    assert sorted(c.text for c, _ in results) == sorted(f"r{i}" for i in range(12))
    stats = fake.stats
    assert stats.ok == 12
    # 12 sent together span at most two one-second windows, which admit at most 10
    assert stats.served_429 >= 2
    assert lane.stats.rate_limited == stats.served_429
    # retries wait for the window to refill: at most 7 refused, then 2, never a wasted burst
    assert stats.served_429 <= 9


async def test_failures_are_a_function_of_seed_and_request_not_of_order(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    async def outcomes(order: list[int]) -> dict[int, bool]:
        fake.reset_stats()
        seen: dict[int, bool] = {}
        for i in order:
            try:
                await client.complete(PROVIDER, ask(f"d{i}"))
                seen[i] = True
            except TransientError:
                seen[i] = False
        return seen

    fake.set(fail_rate_5xx=0.5, seed=3)
    forward = await outcomes(list(range(20)))
    backward = await outcomes(list(reversed(range(20))))
    assert forward == backward
    assert 0 < sum(forward.values()) < 20
    fake.set(seed=4)
    assert await outcomes(list(range(20))) != forward


async def test_answers_by_substring_and_stats_by_model(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(answers={"capital of France": "Paris"})
    other = ProviderSpec(id="openrouter:b/two", label="two", kind="openrouter", model="b/two")
    assert (await client.complete(PROVIDER, ask("the capital of France?"))).text == "Paris"
    assert (await client.complete(other, ask("anything else"))).text == "anything else"
    assert dict(fake.stats.calls_by_model) == {MODEL: 1, "b/two": 1}
    fake.reset_stats()
    assert fake.stats.calls == 0


async def test_the_stream_is_openrouter_shaped(fake: FakeOpenRouter) -> None:
    async with httpx.AsyncClient() as http:
        request = {**body("one two three four five six"), "stream": True}
        response = await http.post(f"{fake.base_url}/chat/completions", json=request)
    lines = response.text.split("\n")
    assert response.headers["content-type"].startswith("text/event-stream")
    assert lines[0] == ": OPENROUTER PROCESSING"
    data = [line[6:] for line in lines if line.startswith("data: ")]
    assert data[-1] == "[DONE]"
    chunks = [json.loads(d) for d in data[:-1]]
    pieces = [c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"]]
    assert len([p for p in pieces if p]) >= 2
    assert "".join(pieces) == "one two three four five six"
    assert chunks[-1]["usage"]["completion_tokens"] == 6


async def test_bad_requests_and_wrong_keys_are_refused(fake: FakeOpenRouter) -> None:
    fake.set(api_key="right")
    async with httpx.AsyncClient() as http:
        url = f"{fake.base_url}/chat/completions"
        wrong = await http.post(url, json=body("x"), headers={"Authorization": "Bearer nope"})
        right = {"Authorization": "Bearer right"}
        broken = await http.post(url, content=b"{not json", headers=right)
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == 401
    assert broken.status_code == 400
    assert fake.stats.served_4xx == 2


def test_unknown_behaviour_is_refused() -> None:
    with pytest.raises(TypeError, match="latncy_ms"):
        FakeOpenRouter(latncy_ms=5)


def test_the_fake_runs_as_a_separate_process() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.openrouter",
            "--port",
            "0",
            "--fail-first-n",
            "1",
            "--max-seconds",
            "60",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/v1")
        root = base_url.removesuffix("/api/v1")
        with httpx.Client(timeout=10) as http:
            url = f"{base_url}/chat/completions"
            assert http.post(url, json=body("hi")).status_code == 503
            retried = http.post(url, json=body("hi")).json()
            assert retried["choices"][0]["message"]["content"] == "hi"
            change = {"answers": {"hi": "configured"}, "fail_first_n": 0}
            config = http.post(f"{root}/_fake/config", json=change)
            assert config.status_code == 200
            answer = http.post(url, json=body("hi there")).json()
            assert answer["choices"][0]["message"]["content"] == "configured"
            stats = http.get(f"{root}/_fake/stats").json()
            refused = http.post(f"{root}/_fake/config", json={"nonsense": 1})
        assert stats["calls"] == 3
        assert stats["served_5xx"] == 1
        assert stats["calls_by_model"] == {MODEL: 3}
        assert refused.status_code == 400
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0
