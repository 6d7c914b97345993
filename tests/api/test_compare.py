"""Comparing two executed runs cell by cell."""

from __future__ import annotations

from typing import Any

import pytest

from api.platform_world import World, execute, seed_suite, start_run


@pytest.fixture
def world(make_world: Any) -> World:
    return make_world()


async def test_compare_two_runs(world: World) -> None:
    cases = [{"vars": {"word": w}} for w in ("apple", "kiwi", "plum")]
    test_set, prompt = seed_suite(world.alice, cases)
    pv = prompt["latest_version"]["id"]
    # base: outputs must contain "i" -> kiwi passes, apple and plum fail
    base = start_run(
        world.alice,
        test_set,
        [pv],
        [{"id": "local:echo"}],
        assertions=[{"type": "contains", "value": "i"}],
    )
    await execute(world.database_url, base["id"])
    # head: a new case, a removed one; now "p" is wanted -> apple, plum pass, kiwi fails
    sid = test_set["id"]
    kiwi = [
        c
        for c in world.alice.get(f"/v1/test-sets/{sid}/cases").json["items"]
        if c["vars"]["word"] == "kiwi"
    ]
    world.alice.post(f"/v1/test-sets/{sid}/cases", body={"vars": {"word": "grape"}})
    plum = next(
        c
        for c in world.alice.get(f"/v1/test-sets/{sid}/cases").json["items"]
        if c["vars"]["word"] == "plum"
    )
    world.alice.delete(f"/v1/test-sets/{sid}/cases/{plum['id']}")
    head = start_run(
        world.alice,
        test_set,
        [pv],
        [{"id": "local:echo"}],
        assertions=[{"type": "contains", "value": "p"}],
    )
    await execute(world.database_url, head["id"])
    assert kiwi

    answer = world.alice.get(f"/v1/runs/{head['id']}/compare", query={"base_run_id": base["id"]})
    assert answer.status == 200, answer.body
    body = answer.json
    assert body["counts"] == {"improved": 1, "regressed": 1, "unchanged": 0, "new": 1, "removed": 1}
    by_word = {i["vars"]["word"]: i for i in body["items"]}
    assert by_word["apple"]["change"] == "improved"
    assert (by_word["apple"]["base"]["outcome"], by_word["apple"]["head"]["outcome"]) == (
        "fail",
        "pass",
    )
    assert by_word["kiwi"]["change"] == "regressed"
    assert by_word["kiwi"]["head"]["output"] == "kiwi"
    assert by_word["grape"]["change"] == "new" and by_word["grape"]["base"] is None
    assert by_word["plum"]["change"] == "removed" and by_word["plum"]["head"] is None

    only = world.alice.get(
        f"/v1/runs/{head['id']}/compare", query={"base_run_id": base["id"], "change": "regressed"}
    ).json
    assert [i["vars"]["word"] for i in only["items"]] == ["kiwi"]
    seen, cursor = [], None
    while True:
        page = world.alice.get(
            f"/v1/runs/{head['id']}/compare",
            query={"base_run_id": base["id"], "limit": 1, "cursor": cursor},
        ).json
        seen += [i["vars"]["word"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == ["apple", "grape", "kiwi", "plum"] and len(seen) == 4
    bad = world.alice.get(
        f"/v1/runs/{head['id']}/compare", query={"base_run_id": base["id"], "cursor": "xx"}
    )
    assert bad.status == 400
    assert (
        world.bob.get(f"/v1/runs/{head['id']}/compare", query={"base_run_id": base["id"]}).status
        == 404
    )


async def test_compare_filtered_by_model_or_prompt_counts_only_those_cells(world: World) -> None:
    cases = [{"vars": {"word": w}} for w in ("apple", "kiwi", "plum")]
    test_set, prompt = seed_suite(world.alice, cases)
    pv = prompt["latest_version"]["id"]
    models = [{"id": "local:echo"}, {"id": "local:upper"}]
    # upper answers in capitals, so it fails both "i" and "p": all its cells stay unchanged
    base = start_run(
        world.alice, test_set, [pv], models, assertions=[{"type": "contains", "value": "i"}]
    )
    await execute(world.database_url, base["id"])
    head = start_run(
        world.alice, test_set, [pv], models, assertions=[{"type": "contains", "value": "p"}]
    )
    await execute(world.database_url, head["id"])
    url = f"/v1/runs/{head['id']}/compare"
    zero = {"improved": 0, "regressed": 0, "unchanged": 0, "new": 0, "removed": 0}

    def compare(**query: Any) -> dict[str, Any]:
        answer = world.alice.get(url, query={"base_run_id": base["id"], **query})
        assert answer.status == 200, answer.body
        return dict(answer.json)

    everything = compare()
    assert everything["counts"] == zero | {"improved": 2, "regressed": 1, "unchanged": 3}
    upper = compare(provider="local:upper")
    assert upper["counts"] == zero | {"unchanged": 3}
    assert {i["provider"] for i in upper["items"]} == {"local:upper"}
    echo = compare(provider="local:echo", change="improved")
    assert echo["counts"] == zero | {"improved": 2, "regressed": 1}
    assert sorted(i["vars"]["word"] for i in echo["items"]) == ["apple", "plum"]
    label = head["prompts"][0]["label"]
    assert compare(prompt=label)["counts"] == everything["counts"]
    nobody = compare(prompt="no such prompt")
    assert nobody["counts"] == zero and nobody["items"] == []
