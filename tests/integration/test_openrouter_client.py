"""Contract of the OpenAI-compatible client, against the fake OpenRouter over real HTTP."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from assay.adapters.openrouter import OpenAICompatibleClient
from assay.adapters.openrouter_responses import (
    completion_from_body,
    error_for_status,
    retry_after_seconds,
)
from assay.adapters.sse import StreamAccumulator
from assay.domain.errors import PermanentError, RateLimited, TransientError
from assay.domain.models import ChatMessage, ProviderSpec
from fakes.openrouter import FakeOpenRouter

KEY = "sk-or-v1-SECRET-do-not-leak-42"
MODEL = "fake/model"
HELLO = (ChatMessage(role="user", content="hello there world"),)


@pytest.fixture
def fake() -> Iterator[FakeOpenRouter]:
    with FakeOpenRouter(api_key=KEY) as server:
        yield server


@pytest.fixture
async def client(fake: FakeOpenRouter) -> AsyncIterator[OpenAICompatibleClient]:
    llm = OpenAICompatibleClient(
        openrouter_base_url=fake.base_url,
        env={"OPENROUTER_API_KEY": KEY},
        referer="https://example.test/assay",
        read_timeout=5.0,
    )
    yield llm
    await llm.aclose()


def spec(model: str = MODEL, **params: object) -> ProviderSpec:
    return ProviderSpec(
        id=f"openrouter:{model}", label=model, kind="openrouter", model=model, params=params
    )


async def test_success_returns_text_usage_cost_and_latency(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    completion = await client.complete(spec(), HELLO)
    assert completion.text == "hello there world"
    assert completion.finish_reason == "stop"
    assert completion.model == MODEL
    usage = completion.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (3, 3, 6)
    assert usage.cost == pytest.approx(3 * 1e-6 + 3 * 2e-6)
    assert completion.latency_ms > 0
    headers = fake.stats.last_headers
    assert headers["authorization"] == f"Bearer {KEY}"
    assert headers["x-openrouter-title"] == "Assay"
    assert headers["http-referer"] == "https://example.test/assay"


async def test_params_are_sent_with_the_request(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(answers=lambda body: json.dumps(body, sort_keys=True))
    completion = await client.complete(spec(temperature=0.2, max_tokens=64), HELLO)
    sent = json.loads(completion.text)
    assert sent == {
        "model": MODEL,
        "messages": [{"role": "user", "content": "hello there world"}],
        "temperature": 0.2,
        "max_tokens": 64,
    }


async def test_missing_cost_falls_back_to_model_prices_fetched_once(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(include_cost=False, prompt_price=0.001, completion_price=0.002)
    costs = [(await client.complete(spec(), HELLO)).usage.cost for _ in range(3)]
    assert costs == [pytest.approx(3 * 0.001 + 3 * 0.002)] * 3
    assert fake.stats.models_calls == 1


async def test_unpriced_model_leaves_cost_unknown(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(include_cost=False)
    completion = await client.complete(spec("vendor/unlisted"), HELLO)
    assert completion.usage.cost is None
    assert completion.usage.total_tokens == 6


async def test_list_models_reads_prices_and_context(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(models=["a/one", "b/two"], prompt_price=0.5e-6)
    models = await client.list_models(fake.base_url, KEY)
    assert [m.id for m in models] == ["a/one", "b/two"]
    assert models[0].prompt_price == pytest.approx(0.5e-6)
    assert models[0].completion_price == pytest.approx(2e-6)
    assert models[0].context_length == 128000


async def test_429_from_a_rate_limit_window_carries_a_fractional_retry_after(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(rate_limit_per_s={MODEL: 0})
    with pytest.raises(RateLimited) as info:
        await client.complete(spec(), HELLO)
    assert info.value.status == 429
    assert info.value.retry_after is not None
    assert 0.0 < info.value.retry_after <= 1.0
    assert "Rate limit exceeded" in str(info.value)


async def test_429_with_an_http_date_retry_after(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    fake.set(fail_rate_429=1.0, retry_after_s=format_datetime(when, usegmt=True))
    with pytest.raises(RateLimited) as info:
        await client.complete(spec(), HELLO)
    assert info.value.retry_after is not None
    assert 20.0 < info.value.retry_after <= 31.0


def test_retry_after_prefers_the_most_precise_header() -> None:
    now = 1_700_000_000.0
    reset_ms = str(int((now + 2.345) * 1000))
    assert retry_after_seconds({"retry-after": "0.250"}, now) == pytest.approx(0.25)
    both = {"retry-after": "3", "x-ratelimit-reset": reset_ms}
    assert retry_after_seconds(both, now) == pytest.approx(2.345, abs=1e-3)
    fractional_wins = {"retry-after": "1.5", "x-ratelimit-reset": reset_ms}
    assert retry_after_seconds(fractional_wins, now) == pytest.approx(1.5)
    only_reset = {"x-ratelimit-reset": reset_ms}
    assert retry_after_seconds(only_reset, now) == pytest.approx(2.345, abs=1e-3)
    assert retry_after_seconds({"retry-after": "7"}, now) == 7.0
    date = format_datetime(datetime.fromtimestamp(now + 10, UTC), usegmt=True)
    assert retry_after_seconds({"retry-after": date}, now) == pytest.approx(10.0)
    assert retry_after_seconds({"retry-after": "soon"}, now) is None
    assert retry_after_seconds({}, now) is None
    past = str(int((now - 5) * 1000))
    assert retry_after_seconds({"x-ratelimit-reset": past}, now) == 0.0


@pytest.mark.parametrize("status", [500, 502, 503, 504, 529, 408])
async def test_server_failures_are_transient(
    client: OpenAICompatibleClient, fake: FakeOpenRouter, status: int
) -> None:
    fake.set(status_by_model={MODEL: status})
    with pytest.raises(TransientError) as info:
        await client.complete(spec(), HELLO)
    assert info.value.status == status
    assert f"forced status {status}" in str(info.value)
    assert info.value.details["metadata"] == {"provider_name": "Fake"}


async def test_random_5xx_is_transient(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(fail_rate_5xx=1.0)
    with pytest.raises(TransientError) as info:
        await client.complete(spec(), HELLO)
    assert info.value.status in (502, 503)
    assert "Upstream provider error" in str(info.value)


@pytest.mark.parametrize("stream", [False, True])
async def test_an_error_inside_a_200_is_transient(
    client: OpenAICompatibleClient, fake: FakeOpenRouter, stream: bool
) -> None:
    fake.set(fail_rate_error_in_200=1.0)
    with pytest.raises(TransientError) as info:
        await client.complete(spec(stream=stream), HELLO)
    assert info.value.status == 200
    assert "upstream provider failed" in str(info.value) or "error in the stream" in str(info.value)


@pytest.mark.parametrize("status", [400, 402, 403, 404, 413, 422])
async def test_client_errors_are_permanent(
    client: OpenAICompatibleClient, fake: FakeOpenRouter, status: int
) -> None:
    fake.set(status_by_model={MODEL: status})
    with pytest.raises(PermanentError) as info:
        await client.complete(spec(), HELLO)
    assert info.value.status == status
    assert info.value.provider_code == str(status)


async def test_a_malformed_request_is_permanent(client: OpenAICompatibleClient) -> None:
    with pytest.raises(PermanentError) as info:
        await client.complete(spec(), ())
    assert info.value.status == 400
    assert "invalid request" in str(info.value)


async def test_a_wrong_key_is_permanent_and_never_shown(fake: FakeOpenRouter) -> None:
    wrong = "sk-or-v1-WRONG-secret-777"
    llm = OpenAICompatibleClient(openrouter_base_url=fake.base_url, env={"MY_KEY": wrong})
    provider = spec().model_copy(update={"api_key_env": "MY_KEY"})
    try:
        with pytest.raises(PermanentError) as info:
            await llm.complete(provider, HELLO)
    finally:
        await llm.aclose()
    error = info.value
    assert error.status == 401
    for text in (str(error), repr(error), json.dumps(error.details), repr(llm), repr(provider)):
        assert wrong not in text
        assert KEY not in text


async def test_an_explicit_key_wins_over_the_environment(fake: FakeOpenRouter) -> None:
    llm = OpenAICompatibleClient(openrouter_base_url=fake.base_url, env={})
    provider = ProviderSpec(**{**spec().model_dump(), "api_key": KEY})
    try:
        assert (await llm.complete(provider, HELLO)).text == "hello there world"
    finally:
        await llm.aclose()


async def test_a_missing_key_names_the_variable_to_set() -> None:
    llm = OpenAICompatibleClient(openrouter_base_url="http://127.0.0.1:9/api/v1", env={})
    with pytest.raises(PermanentError, match="OPENROUTER_API_KEY"):
        await llm.complete(spec(), HELLO)
    custom = spec().model_copy(update={"api_key_env": "TEAM_ROUTER_KEY"})
    with pytest.raises(PermanentError, match="TEAM_ROUTER_KEY"):
        await llm.complete(custom, HELLO)


def test_secrets_in_error_bodies_are_redacted() -> None:
    body = json.dumps({"error": {"code": 400, "message": f"bad key {KEY}"}}).encode()
    error = error_for_status(status=400, raw=body, headers={}, label="p", secret=KEY)
    assert KEY not in str(error)
    assert "bad key ***" in str(error)
    html = f"<html>proxy says {KEY}</html>".encode()
    transient = error_for_status(status=502, raw=html, headers={}, label="p", secret=KEY)
    assert isinstance(transient, TransientError)
    assert KEY not in str(transient) and "proxy says" in str(transient)


def test_a_non_json_200_is_transient_with_a_short_excerpt() -> None:
    raw = b"<html>" + b"x" * 5000 + b"</html>"
    with pytest.raises(TransientError, match="not JSON") as info:
        completion_from_body(raw, label="p", secret=None, latency_ms=1.0)
    assert len(str(info.value)) < 400
    with pytest.raises(TransientError, match="no choices"):
        completion_from_body(b'{"choices": []}', label="p", secret=None, latency_ms=1.0)


async def test_a_slow_answer_times_out_as_transient(fake: FakeOpenRouter) -> None:
    fake.set(latency_ms_by_model={"slow/model": 10_000})
    llm = OpenAICompatibleClient(
        openrouter_base_url=fake.base_url, env={"OPENROUTER_API_KEY": KEY}, read_timeout=0.2
    )
    try:
        with pytest.raises(TransientError, match="network error") as info:
            await llm.complete(spec("slow/model"), HELLO)
    finally:
        await llm.aclose()
    assert info.value.__cause__ is not None


async def test_a_refused_connection_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: connections are refused
        llm = OpenAICompatibleClient(
            openrouter_base_url=f"http://127.0.0.1:{port}/api/v1", env={"OPENROUTER_API_KEY": KEY}
        )
        try:
            with pytest.raises(TransientError):
                await llm.complete(spec(), HELLO)
        finally:
            await llm.aclose()


async def test_streaming_skips_comments_and_takes_the_final_usage(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    fake.set(answers={"hello": "a streamed answer of six words"})
    completion = await client.complete(spec(stream=True), HELLO)
    assert completion.text == "a streamed answer of six words"
    assert completion.finish_reason == "stop"
    assert completion.usage.completion_tokens == 6
    assert completion.usage.cost == pytest.approx(3 * 1e-6 + 6 * 2e-6)
    assert fake.stats.streams == 1


def test_stream_accumulator_handles_multiline_events_and_early_ends() -> None:
    acc = StreamAccumulator(label="p")
    for line in [
        ": OPENROUTER PROCESSING",
        "",
        'data: {"choices": [{"delta": {"content": "Hel"}}]}',
        "",
        'data: {"choices": [{"delta": {"content": "lo"}, "finish_reason": "length"}],',
        'data:  "usage": {"prompt_tokens": 2, "completion_tokens": 1, "cost": 0.5}}',
        "",
        "data: [DONE]",
        "",
    ]:
        acc.feed_line(line)
    completion = acc.finish()
    assert (completion.text, completion.finish_reason) == ("Hello", "length")
    assert (completion.usage.total_tokens, completion.usage.cost) == (3, 0.5)
    cut = StreamAccumulator(label="p")
    cut.feed_line('data: {"choices": [{"delta": {"content": "Hel"}}]}')
    with pytest.raises(TransientError, match="before \\[DONE\\]"):
        cut.finish()


async def test_clients_are_reused_and_reopened_after_aclose(
    client: OpenAICompatibleClient, fake: FakeOpenRouter
) -> None:
    await client.complete(spec(), HELLO)
    assert repr(client).count(fake.base_url) == 1
    await client.aclose()
    assert fake.base_url not in repr(client)
    assert (await client.complete(spec(), HELLO)).text == "hello there world"
    assert fake.stats.calls == 2
