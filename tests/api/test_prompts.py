"""Prompts through API Gateway v2 events: versions, variables, checks, workspace isolation."""

from __future__ import annotations

from typing import Any

import pytest

from api.platform_world import World, count


@pytest.fixture
def world(make_world: Any) -> World:
    return make_world()


def test_create_version_list_and_read(world: World) -> None:
    created = world.alice.post(
        "/v1/prompts", body={"name": "greet", "text": "Hello {{ name }}, {{ mood }}?"}
    )
    assert created.status == 201, created.body
    pid = created.json["id"]
    v1 = created.json["latest_version"]
    assert (v1["version"], v1["variables"], v1["body"]) == (
        1,
        ["mood", "name"],
        {"text": "Hello {{ name }}, {{ mood }}?"},
    )
    chat = world.alice.post(
        f"/v1/prompts/{pid}/versions",
        body={
            "messages": [
                {"role": "system", "content": "Be {{ tone }}"},
                {"role": "user", "content": "{{ q }}"},
            ]
        },
    )
    assert chat.status == 201
    assert (chat.json["created"], chat.json["version"]["version"]) == (True, 2)
    assert chat.json["version"]["variables"] == ["q", "tone"]
    same = world.alice.post(
        f"/v1/prompts/{pid}/versions", body={"text": "Hello {{ name }}, {{ mood }}?"}
    )
    assert (same.json["created"], same.json["version"]["version"]) == (False, 1)
    versions = world.alice.get(f"/v1/prompts/{pid}/versions", query={"limit": 1}).json
    assert [v["version"] for v in versions["items"]] == [2]
    rest = world.alice.get(
        f"/v1/prompts/{pid}/versions", query={"cursor": versions["next_cursor"]}
    ).json
    assert [v["version"] for v in rest["items"]] == [1]
    one = world.alice.get(f"/v1/prompts/{pid}/versions/{v1['id']}")
    assert one.json["content_hash"] == v1["content_hash"]
    listed = world.alice.get("/v1/prompts").json["items"]
    assert [(p["name"], p["latest_version"]["version"]) for p in listed] == [("greet", 2)]
    assert world.alice.patch(f"/v1/prompts/{pid}", body={"name": "hi"}).json["name"] == "hi"


def test_bad_templates_and_bodies_are_refused(world: World) -> None:
    broken = world.alice.post("/v1/prompts", body={"name": "x", "text": "Hello {{ name"})
    assert broken.status == 400
    assert broken.error_code == "template_error"
    both = world.alice.post(
        "/v1/prompts",
        body={"name": "x", "text": "a", "messages": [{"role": "user", "content": "b"}]},
    )
    assert both.status == 422
    role = world.alice.post(
        "/v1/prompts", body={"name": "x", "messages": [{"role": "robot", "content": "b"}]}
    )
    assert role.status == 422
    assert count(world.database_url, "prompts") == 0


def test_variables_checked_against_a_test_set_version(world: World) -> None:
    ts = world.alice.post(
        "/v1/test-sets",
        body={
            "name": "s",
            "cases": [
                {"vars": {"name": "a", "mood": "ok"}},
                {"description": "lacks", "vars": {"name": "b", "extra": 1}},
            ],
        },
    ).json
    pid = world.alice.post(
        "/v1/prompts", body={"name": "greet", "text": "Hello {{ name }}, {{ mood }}?"}
    ).json["id"]
    check = world.alice.get(
        f"/v1/prompts/{pid}/check", query={"test_set_version_id": ts["latest_version"]["id"]}
    )
    assert check.status == 200, check.body
    body = check.json
    assert body["ok"] is False and body["cases_checked"] == 2
    assert [(c["position"], c["description"], c["missing"]) for c in body["cases_missing"]] == [
        (1, "lacks", ["mood"])
    ]
    assert body["unused"] == ["extra"]


def test_other_workspace_cannot_see_or_touch_prompts(world: World) -> None:
    created = world.alice.post("/v1/prompts", body={"name": "greet", "text": "Hi {{ x }}"}).json
    pid, vid = created["id"], created["latest_version"]["id"]
    bob = world.bob
    assert bob.get("/v1/prompts").json["items"] == []
    for answer in (
        bob.get(f"/v1/prompts/{pid}"),
        bob.patch(f"/v1/prompts/{pid}", body={"name": "mine"}),
        bob.delete(f"/v1/prompts/{pid}"),
        bob.post(f"/v1/prompts/{pid}/versions", body={"text": "pwned"}),
        bob.get(f"/v1/prompts/{pid}/versions"),
        bob.get(f"/v1/prompts/{pid}/versions/{vid}"),
    ):
        assert answer.status == 404, answer.body
    assert count(world.database_url, "prompt_versions") == 1
    assert world.alice.delete(f"/v1/prompts/{pid}").status == 204
    assert count(world.database_url, "prompts") == 0
