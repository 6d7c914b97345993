"""Prompts through API Gateway v2 events: versions, variables, checks, workspace isolation."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from api.platform_world import World, count, execute, seed_suite, start_run


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
    blank = world.alice.post("/v1/prompts", body={"name": "   ", "text": "a"})
    assert blank.status == 422
    assert count(world.database_url, "prompts") == 0
    made = world.alice.post("/v1/prompts", body={"name": " capital ", "text": "a"}).json
    assert made["name"] == "capital"
    assert world.alice.patch(f"/v1/prompts/{made['id']}", body={"name": " "}).status == 422
    assert world.alice.get(f"/v1/prompts/{made['id']}").json["name"] == "capital"


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


def render(world: World, **body: Any) -> Any:
    answer = world.alice.post("/v1/prompts/render", body=body)
    assert answer.status == 200, answer.body
    return answer.json


def test_render_applies_filters_and_tags_as_the_engine_does(world: World) -> None:
    text = "{{ country | upper }}{% if tone %}, {{ tone }}{% endif %}"
    text += "{% for w in words %} {{ w }}{% endfor %}"
    out = render(world, text=text, vars={"country": "Portugal", "tone": "", "words": ["a", "b"]})
    assert out["error"] is None
    assert out["variables"] == ["country", "tone", "words"]
    assert out["text"] == "PORTUGAL a b"
    assert out["messages"] == [{"role": "user", "content": "PORTUGAL a b"}]
    chat = render(
        world,
        messages=[
            {"role": "system", "content": "Answer in {{ language | default('English') }}."},
            {"role": "user", "content": "{{ q }}"},
        ],
        vars={"q": "Why?"},
    )
    assert chat["messages"] == [
        {"role": "system", "content": "Answer in English."},
        {"role": "user", "content": "Why?"},
    ]
    assert chat["text"] == "system: Answer in English.\nuser: Why?"
    # A text template rendering to a JSON list of messages is sent as those messages.
    as_chat = render(world, text='[{"role": "system", "content": "{{ s }}"}]', vars={"s": "hi"})
    assert as_chat["messages"] == [{"role": "system", "content": "hi"}]
    # Without vars or a case, only the variables: nothing is rendered.
    bare = render(world, text="Hi {{ name }}")
    assert bare["variables"] == ["name"]
    assert bare["messages"] is bare["text"] is bare["error"] is bare["cases"] is None


def test_render_names_what_a_run_would_fail_on(world: World) -> None:
    missing = render(world, text="In {{ language }}: {{ q }}", vars={"q": "x"}, label="capital v2")
    assert missing["messages"] is None and missing["text"] is None
    assert missing["error"] == {
        "code": "template_error",
        "message": "missing variable 'language' in prompt 'capital v2' for the given vars",
        "details": {"prompt": "capital v2", "case": "the given vars", "variables": ["language"]},
    }
    broken = render(world, text="Hello\n{{ name", vars={"name": "x"})
    assert broken["variables"] == [] and broken["error"]["code"] == "template_error"
    assert broken["error"]["details"]["line"] == 2
    assert "line 2: syntax error" in broken["error"]["message"]
    forbidden = render(world, text="{{ ''.__class__.__mro__ }}", vars={})
    assert "forbidden" in forbidden["error"]["message"]
    bomb = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    costly = render(world, text=bomb, vars={})
    assert costly["error"]["code"] == "template_error"
    assert "too costly to render: loops ran over 1,000,000 steps" in costly["error"]["message"]
    huge = render(world, text="{{ 'x' * 10000000000 }}", vars={})
    assert "repeating a value to over 1,000,000 items" in huge["error"]["message"]


def test_render_requests_that_are_malformed_or_not_yours_are_refused(world: World) -> None:
    assert world.anonymous.post("/v1/prompts/render", body={"text": "x"}).status == 401
    bodies: list[dict[str, Any]] = [
        {"text": "x", "vars": {}, "case_position": 0, "test_set_version_id": str(uuid4())},
        {"text": "x", "case_position": 0},
        {"text": "x", "case_position": -1, "test_set_version_id": str(uuid4())},
        {"text": "x", "vars": []},
        {"text": "x", "unknown": 1},
        {"vars": {}},
    ]
    for body in bodies:
        answer = world.alice.post("/v1/prompts/render", body=body)
        assert answer.status == 422, (body, answer.body)
    ts = world.alice.post("/v1/test-sets", body={"name": "s", "cases": [{"vars": {}}]}).json
    tsv = ts["latest_version"]["id"]
    theirs = world.bob.post("/v1/prompts/render", body={"text": "x", "test_set_version_id": tsv})
    assert theirs.status == 404 and theirs.error_code == "not_found"
    beyond = world.alice.post(
        "/v1/prompts/render", body={"text": "x", "test_set_version_id": tsv, "case_position": 1}
    )
    assert beyond.status == 404 and beyond.error_code == "not_found"
    assert count(world.database_url, "prompts") == 0


CASES: list[dict[str, Any]] = [
    {"description": "full", "vars": {"country": "Peru", "language": "Spanish", "extra": 1}},
    {"vars": {"country": "Chad"}},
    {"description": "default used", "vars": {"country": "Fiji", "language": "English"}},
    {"description": "bare", "vars": {}},
]
TEMPLATE = "{{ country | upper }} in {{ language }}{{ tone | default('') }}"


def test_render_tries_every_case_of_a_test_set_version(world: World) -> None:
    ts = world.alice.post("/v1/test-sets", body={"name": "s", "cases": CASES}).json
    tsv = ts["latest_version"]["id"]
    out = render(world, text=TEMPLATE, test_set_version_id=tsv, case_position=2, label="p")
    assert out["text"] == "FIJI in English" and out["error"] is None
    assert out["variables"] == ["country", "language", "tone"]
    cases = out["cases"]
    assert cases["test_set_version_id"] == tsv
    assert (cases["cases_checked"], cases["cases_failed"]) == (4, 2)
    # `tone` has a default: lacking it fails nothing, though the template reads it.
    assert [(f["position"], f["description"], f["missing"]) for f in cases["failures"]] == [
        (1, None, ["language", "tone"]),
        (3, "bare", ["country", "language", "tone"]),
    ]
    assert cases["failures"][1]["error"]["message"] == (
        "missing variable 'country', 'language', 'tone' in prompt 'p' for test 4 (bare)"
    )
    assert cases["unused"] == ["extra"]
    failing = render(world, text=TEMPLATE, test_set_version_id=tsv, case_position=1, label="p")
    assert failing["messages"] is None
    assert failing["error"] == cases["failures"][0]["error"]
    assert failing["error"]["message"] == (
        "missing variable 'language', 'tone' in prompt 'p' for test 2"
    )


async def test_a_preview_fails_with_the_very_error_of_the_run(world: World) -> None:
    test_set, prompt = seed_suite(world.alice, CASES, template=TEMPLATE, name="geo")
    run = start_run(world.alice, test_set, [prompt["latest_version"]["id"]], [{"id": "local:echo"}])
    await execute(world.database_url, run["id"])
    results = world.alice.get(f"/v1/runs/{run['id']}/results").json["items"]
    label = results[0]["prompt_label"]
    preview = render(
        world, text=TEMPLATE, label=label, test_set_version_id=test_set["latest_version"]["id"]
    )
    expected = {f["position"]: f["error"]["message"] for f in preview["cases"]["failures"]}
    assert {r["case_position"]: r["error"] for r in results if r["error"]} == expected
    assert len(expected) == 2
    echoed = {r["case_position"]: r["output"] for r in results if not r["error"]}
    for position, output in echoed.items():
        one = render(
            world, text=TEMPLATE, label=label,
            test_set_version_id=test_set["latest_version"]["id"], case_position=position,
        )  # fmt: skip
        assert one["text"] == output
