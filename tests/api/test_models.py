"""The model catalog: refreshed from the fake OpenRouter over HTTP, cached per workspace."""

from __future__ import annotations

from typing import Any

import pytest

from api.platform_world import World
from assay.adapters.openrouter import OpenAICompatibleClient
from assay.usecases.catalog import OpenRouterCatalog
from fakes.openrouter import FakeOpenRouter


def catalog(base_url: str) -> OpenRouterCatalog:
    return OpenRouterCatalog(
        client_factory=lambda: OpenAICompatibleClient(openrouter_base_url=base_url),
        base_url=base_url,
        api_key="sk-test",
    )


@pytest.fixture
def fake() -> FakeOpenRouter:
    with FakeOpenRouter(prompt_price=3e-6, completion_price=1.5e-5) as f:
        yield f


def test_local_models_are_listed_before_any_refresh(make_world: Any, fake: FakeOpenRouter) -> None:
    world = make_world(catalog=catalog(fake.base_url))
    items = world.alice.get("/v1/models").json["items"]
    assert [m["id"] for m in items] == ["local:echo", "local:json", "local:reverse", "local:upper"]
    assert {m["source"] for m in items} == {"local"}


def test_refresh_caches_the_catalog_with_prices(make_world: Any, fake: FakeOpenRouter) -> None:
    world = make_world(catalog=catalog(fake.base_url))
    refreshed = world.alice.post("/v1/models/refresh")
    assert refreshed.status == 200, refreshed.body
    assert refreshed.json == {"models": 3}
    assert fake.stats.models_calls == 1
    remote = [m for m in world.alice.get("/v1/models").json["items"] if m["source"] == "openrouter"]
    assert [m["id"] for m in remote] == sorted(
        f"openrouter:{m}"
        for m in ("openai/gpt-4o-mini", "anthropic/claude-3.5-haiku", "fake/model")
    )
    assert remote[0]["prompt_price"] == pytest.approx(3e-6)
    assert remote[0]["completion_price"] == pytest.approx(1.5e-5)
    assert remote[0]["context_length"] and remote[0]["refreshed_at"]
    search = world.alice.get("/v1/models", query={"q": "claude"}).json["items"]
    assert [m["id"] for m in search] == ["openrouter:anthropic/claude-3.5-haiku"]
    page = world.alice.get("/v1/models", query={"limit": 2}).json
    rest = world.alice.get("/v1/models", query={"limit": 2, "cursor": page["next_cursor"]}).json
    assert [m["id"] for m in rest["items"]] == ["openrouter:openai/gpt-4o-mini"]
    # the cache is per workspace: bob sees only the local models until he refreshes
    assert {m["source"] for m in world.bob.get("/v1/models").json["items"]} == {"local"}
    # a second refresh replaces, never duplicates
    world.alice.post("/v1/models/refresh")
    assert len(world.alice.get("/v1/models").json["items"]) == 4 + 3


def test_refresh_when_openrouter_fails_is_503_and_keeps_the_cache(
    make_world: Any, fake: FakeOpenRouter
) -> None:
    world: World = make_world(catalog=catalog(fake.base_url))
    world.alice.post("/v1/models/refresh")
    # the same users on a second server whose OpenRouter is down
    down = make_world(users=world.users, catalog=catalog("http://127.0.0.1:9/api/v1"))
    answer = down.alice.post("/v1/models/refresh")
    assert answer.status == 503, answer.body
    assert answer.error_code == "upstream_unavailable"
    assert len(down.alice.get("/v1/models").json["items"]) == 4 + 3
