"""Runs through API Gateway v2 events: create and start, list, read with progress, cancel."""

from __future__ import annotations

from typing import Any

import pytest

from api.platform_world import World, count, execute, seed_suite, start_run
from assay.settings import Settings
from fakes.openrouter import FakeOpenRouter

CASES = [
    {"vars": {"word": "apple"}, "assert": [{"type": "contains", "value": "apple"}]},
    {"vars": {"word": "pear"}, "assert": [{"type": "contains", "value": "plum"}]},
    {"vars": {"word": "fig"}},
]


@pytest.fixture
def fake() -> FakeOpenRouter:
    with FakeOpenRouter(answers=lambda body: "fake says " + body["messages"][-1]["content"]) as f:
        yield f


@pytest.fixture
def world(make_world: Any, fake: FakeOpenRouter, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-test")
    return make_world(settings=Settings(openrouter_base_url=fake.base_url))


async def test_run_created_started_executed_and_read_back(world: World) -> None:
    test_set, prompt = seed_suite(world.alice, CASES)
    pv = prompt["latest_version"]["id"]
    run = start_run(
        world.alice,
        test_set,
        [pv],
        [
            {"id": "local:echo"},
            {"id": "openrouter:fake/model", "label": "fake", "params": {"temperature": 0}},
        ],
        assertions=[{"type": "icontains", "value": "{{ word }}"}],
        repeats=2,
        concurrency=4,
    )
    assert run["status"] == "queued" and run["total_cells"] == 3 * 2 * 2
    assert run["progress"]["pending"] == 12 and run["progress"]["done"] == 0
    assert [m["label"] for m in run["models"]] == ["local:echo", "fake"]
    assert run["models"][1]["params"] == {"temperature": 0}
    assert run["prompts"][0]["prompt_version_id"] == pv
    assert [str(r) for r in world.services.launcher.started] == [run["id"]]

    final = await execute(world.database_url, run["id"])
    assert final.done == 12

    read = world.alice.get(f"/v1/runs/{run['id']}").json
    assert read["status"] == "completed"
    assert read["progress"] == {
        "total": 12,
        "pending": 0,
        "running": 0,
        "done": 12,
        "failed": 0,
        "cancelled": 0,
        "passed": 8,
        "cost": read["progress"]["cost"],
    }
    by_model = {s["provider"]: s for s in read["summary"]}
    # case 2 asks for "plum" in an answer about "pear": it fails on both models, both repeats
    assert (by_model["local:echo"]["passed"], by_model["local:echo"]["failed"]) == (4, 2)
    assert (by_model["fake"]["passed"], by_model["fake"]["failed"]) == (4, 2)
    assert by_model["fake"]["pass_rate"] == pytest.approx(4 / 6)
    listed = world.alice.get("/v1/runs").json["items"]
    assert [r["id"] for r in listed] == [run["id"]]


def test_runs_are_listed_newest_first_by_cursor(world: World) -> None:
    test_set, prompt = seed_suite(world.alice, CASES)
    ids = [
        start_run(world.alice, test_set, [prompt["latest_version"]["id"]], [{"id": "local:echo"}])[
            "id"
        ]
        for _ in range(3)
    ]
    first = world.alice.get("/v1/runs", query={"limit": 2}).json
    rest = world.alice.get("/v1/runs", query={"limit": 2, "cursor": first["next_cursor"]}).json
    assert [r["id"] for r in first["items"] + rest["items"]] == ids[::-1]
    assert rest["next_cursor"] is None
    # what each run is of, without reading it: its test set and version, its models
    item = first["items"][0]
    assert (item["test_set_id"], item["test_set_name"]) == (test_set["id"], test_set["name"])
    assert item["test_set_version"] == test_set["latest_version"]["version"]
    assert item["model_labels"] == ["local:echo"]
    assert item["overview"] is None  # not run yet: nothing kept


async def test_runs_are_listed_by_status_test_set_and_name(world: World) -> None:
    fruit, fruit_prompt = seed_suite(world.alice, CASES, name="fruit")
    other, other_prompt = seed_suite(world.alice, CASES, name="other")
    echo = [{"id": "local:echo"}]

    def launch(test_set: dict[str, Any], prompt: dict[str, Any], name: str) -> str:
        pv = [prompt["latest_version"]["id"]]
        return str(start_run(world.alice, test_set, pv, echo, name=name)["id"])

    nightly = launch(fruit, fruit_prompt, "nightly 100%_check")
    # a later version of the same test set is still that test set
    world.alice.post(f"/v1/test-sets/{fruit['id']}/cases", body={"vars": {"word": "kiwi"}})
    later = launch(fruit, fruit_prompt, "Nightly again")
    elsewhere = launch(other, other_prompt, "ad hoc")
    await execute(world.database_url, nightly)

    def listed(**query: Any) -> list[str]:
        answer = world.alice.get("/v1/runs", query=query)
        assert answer.status == 200, answer.body
        return [r["id"] for r in answer.json["items"]]

    assert listed() == [elsewhere, later, nightly]
    assert listed(status="completed") == [nightly]
    assert listed(status="queued") == [elsewhere, later]
    assert listed(test_set_id=fruit["id"]) == [later, nightly]
    assert listed(test_set_id=fruit["id"], status="queued") == [later]
    assert listed(q="NIGHTLY") == [later, nightly]
    assert listed(q="100%_") == [nightly] and listed(q="0%x") == []  # no wildcards
    assert listed(q="  ") == [elsewhere, later, nightly]
    first = world.alice.get("/v1/runs", query={"q": "nightly", "limit": 1}).json
    rest = world.alice.get(
        "/v1/runs", query={"q": "nightly", "limit": 1, "cursor": first["next_cursor"]}
    ).json
    assert [r["id"] for r in first["items"] + rest["items"]] == [later, nightly]
    assert rest["next_cursor"] is None
    assert world.alice.get("/v1/runs", query={"status": "done"}).status == 422
    assert world.alice.get("/v1/runs", query={"test_set_id": "nope"}).status == 422
    assert world.bob.get("/v1/runs", query={"test_set_id": fruit["id"]}).json["items"] == []


async def test_a_finished_run_is_listed_with_its_outcome(world: World) -> None:
    test_set, prompt = seed_suite(world.alice, CASES)
    models = [{"id": "local:echo"}, {"id": "local:upper"}]
    run = start_run(world.alice, test_set, [prompt["latest_version"]["id"]], models)
    await execute(world.database_url, run["id"])
    listed = world.alice.get("/v1/runs").json["items"][0]
    # "apple" passes on echo only (upper answers APPLE), "pear" wants "plum", "fig" asks nothing
    assert listed["model_labels"] == ["local:echo", "local:upper"]
    assert {k: listed["overview"][k] for k in ("passed", "failed", "errors")} == {
        "passed": 3,
        "failed": 3,
        "errors": 0,
    }
    assert listed["overview"]["pass_rate"] == pytest.approx(0.5)
    read = world.alice.get(f"/v1/runs/{run['id']}").json
    assert read["overview"] == listed["overview"]
    assert world.alice.delete(f"/v1/test-sets/{test_set['id']}").status == 204
    gone = world.alice.get("/v1/runs").json["items"][0]  # the run outlives its test set
    assert gone["overview"] == listed["overview"]
    assert [gone[k] for k in ("test_set_version_id", "test_set_id", "test_set_name")] == [None] * 3


def test_bad_run_requests_change_nothing(world: World) -> None:
    test_set, prompt = seed_suite(world.alice, CASES)
    pv = prompt["latest_version"]["id"]
    base = {
        "test_set_id": test_set["id"],
        "prompt_version_ids": [pv],
        "models": [{"id": "local:echo"}],
    }
    cases = [
        ({**base, "models": [{"id": "local:nope"}]}, 400),
        ({**base, "models": [{"id": "openai:gpt-4"}]}, 422),
        ({**base, "models": [{"id": "local:echo"}, {"id": "local:echo"}]}, 400),
        ({**base, "models": [{"id": "local:echo", "params": {"temprature": 1}}]}, 422),
        ({**base, "assertions": [{"type": "python", "value": "True"}]}, 400),
        ({**base, "prompt_version_ids": ["00000000-0000-0000-0000-000000000000"]}, 404),
        ({**base, "test_set_version_id": test_set["latest_version"]["id"]}, 422),
        ({**base, "repeats": 0}, 422),
        ({**base, "surprise": True}, 422),
    ]
    for body, status in cases:
        answer = world.alice.post("/v1/runs", body=body)
        assert answer.status == status, (body, answer.body)
        assert "error" in answer.json
    assert count(world.database_url, "runs") == 0
    assert world.services.launcher.started == []


async def test_cancel_stops_pending_cells(world: World) -> None:
    test_set, prompt = seed_suite(world.alice, CASES)
    run = start_run(world.alice, test_set, [prompt["latest_version"]["id"]], [{"id": "local:echo"}])
    cancelled = world.alice.post(f"/v1/runs/{run['id']}/cancel")
    assert cancelled.status == 200
    assert cancelled.json["status"] == "cancelled"
    assert cancelled.json["progress"]["cancelled"] == 3
    assert [str(r) for r, _ in world.services.launcher.stopped] == [run["id"]]
    final = await execute(world.database_url, run["id"])
    assert final.done == 0  # the engine calls nothing for a cancelled run
    done = start_run(
        world.alice, test_set, [prompt["latest_version"]["id"]], [{"id": "local:echo"}]
    )
    await execute(world.database_url, done["id"])
    assert world.alice.post(f"/v1/runs/{done['id']}/cancel").status == 409


def test_other_workspace_cannot_see_run_or_run_on_others_data(world: World) -> None:
    test_set, prompt = seed_suite(world.alice, CASES)
    pv = prompt["latest_version"]["id"]
    run = start_run(world.alice, test_set, [pv], [{"id": "local:echo"}])
    bob = world.bob
    assert bob.get("/v1/runs").json["items"] == []
    for answer in (
        bob.get(f"/v1/runs/{run['id']}"),
        bob.post(f"/v1/runs/{run['id']}/cancel"),
        bob.get(f"/v1/runs/{run['id']}/results"),
        bob.get(f"/v1/runs/{run['id']}/export"),
        bob.get(f"/v1/runs/{run['id']}/compare", query={"base_run_id": run["id"]}),
        bob.post(
            "/v1/runs",
            body={
                "test_set_id": test_set["id"],
                "prompt_version_ids": [pv],
                "models": [{"id": "local:echo"}],
            },
        ),
    ):
        assert answer.status == 404, answer.body
    # bob's own test set with alice's prompt version: still not found
    own, _ = seed_suite(bob, CASES, name="bobs")
    steal = bob.post(
        "/v1/runs",
        body={
            "test_set_id": own["id"],
            "prompt_version_ids": [pv],
            "models": [{"id": "local:echo"}],
        },
    )
    assert steal.status == 404
    assert count(world.database_url, "runs") == 1
    assert world.alice.get(f"/v1/runs/{run['id']}").json["status"] == "queued"
