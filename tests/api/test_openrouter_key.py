"""The server's OpenRouter key: `/v1/me` says whether there is one; runs needing it are refused."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from api.platform_world import World, count, seed_suite
from assay.settings import Settings

CASES = [{"vars": {"word": "apple"}, "assert": [{"type": "contains", "value": "apple"}]}]
REMOTE = {"id": "openrouter:fake/model", "label": "fake"}


def _world(make_world: Any, monkeypatch: pytest.MonkeyPatch, key: str | None) -> World:
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    settings = Settings(openrouter_api_key=SecretStr(key) if key is not None else None)
    return make_world(settings=settings)


def _run_body(world: World, models: list[dict[str, Any]]) -> dict[str, Any]:
    test_set, prompt = seed_suite(world.alice, CASES)
    return {
        "test_set_id": test_set["id"],
        "prompt_version_ids": [prompt["latest_version"]["id"]],
        "models": models,
    }


@pytest.mark.parametrize("key", [None, "", "   "])
def test_without_a_key_me_says_missing_and_openrouter_runs_are_refused(
    make_world: Any, monkeypatch: pytest.MonkeyPatch, key: str | None
) -> None:
    world = _world(make_world, monkeypatch, key)
    me = world.alice.get("/v1/me")
    assert me.status == 200, me.body
    assert me.json["openrouter_key"] == "missing"

    body = _run_body(world, [{"id": "local:echo"}, REMOTE])
    refused = world.alice.post("/v1/runs", body=body)
    assert refused.status == 422, refused.body
    error = refused.json["error"]
    assert error["code"] == "openrouter_key_missing"
    assert error["details"] == {"models": ["openrouter:fake/model"]}
    for fix in ("openrouter:fake/model", "OPENROUTER_API_KEY", "assay up", "secret"):
        assert fix in error["message"]
    assert count(world.database_url, "runs") == 0
    assert count(world.database_url, "cells") == 0
    assert world.services.launcher.started == []

    # Offline models need no key.
    local = world.alice.post(
        "/v1/runs", body={**body, "models": [{"id": "local:echo"}, {"id": "local:upper"}]}
    )
    assert local.status == 201, local.body
    assert [str(r) for r in world.services.launcher.started] == [local.json["id"]]
    assert count(world.database_url, "runs") == 1


def test_with_a_key_me_says_configured_and_openrouter_runs_start(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = _world(make_world, monkeypatch, "sk-or-test")
    me = world.alice.get("/v1/me")
    assert me.json["openrouter_key"] == "configured"
    assert "sk-or-test" not in me.body

    answer = world.alice.post("/v1/runs", body=_run_body(world, [REMOTE]))
    assert answer.status == 201, answer.body
    run = answer.json
    assert run["status"] == "queued"
    assert [str(r) for r in world.services.launcher.started] == [run["id"]]


def test_an_explicit_answer_from_the_wiring_wins_over_settings(
    make_world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Lambda passes what its AWS wiring says (a secret ARN counts); settings have no key.
    world = _world(make_world, monkeypatch, None)
    body = _run_body(world, [REMOTE])
    world.services.openrouter_key = True
    assert world.alice.get("/v1/me").json["openrouter_key"] == "configured"
    assert world.alice.post("/v1/runs", body=body).status == 201
    world.services.openrouter_key = False
    world.services.settings = Settings(openrouter_api_key=SecretStr("sk-or-test"))
    assert world.alice.get("/v1/me").json["openrouter_key"] == "missing"
    refused = world.alice.post("/v1/runs", body=body)
    assert refused.status == 422 and refused.error_code == "openrouter_key_missing"
