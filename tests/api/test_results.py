"""Results of an executed run: keyset pages, every filter, exports, isolation."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from api.platform_world import World, two_by_two_run

CASES = [
    {
        "description": f"case {i}",
        "vars": {"word": w},
        "assert": [{"type": "contains", "value": "a"}],
    }
    for i, w in enumerate(["alpha", "beta", "gamma", "delta", "echo", "fox", "golf"])
]


@pytest.fixture
async def ran(make_world: Any) -> tuple[World, dict]:
    world = make_world()
    run = await two_by_two_run(world, CASES)
    return world, run


def pages(world: World, run_id: str, **query: object) -> list[dict]:
    items, cursor = [], None
    while True:
        page = world.alice.get(
            f"/v1/runs/{run_id}/results", query={**query, "cursor": cursor, "limit": 5}
        )
        assert page.status == 200, page.body
        items += page.json["items"]
        cursor = page.json["next_cursor"]
        if cursor is None:
            return items


def test_pages_cover_every_cell_once_in_order(ran: tuple[World, dict]) -> None:
    world, run = ran
    items = pages(world, run["id"])
    assert len(items) == 7 * 2 * 2
    keys = [(r["case_position"], r["prompt_label"], r["provider"]) for r in items]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    first = items[0]
    assert (first["vars"], first["description"], first["output"], first["state"]) == (
        {"word": "alpha"},
        "case 0",
        "alpha",
        "done",
    )


def test_filters(ran: tuple[World, dict]) -> None:
    world, run = ran
    rid = run["id"]
    upper = pages(world, rid, provider="local:upper")
    assert {r["provider"] for r in upper} == {"local:upper"} and len(upper) == 14
    # upper-cased outputs never contain a lowercase "a"
    assert all(r["passed"] is False for r in upper)
    failed = pages(world, rid, status="failed")
    assert {(r["provider"], r["passed"]) for r in failed} >= {("local:upper", False)}
    passed = pages(world, rid, status="passed")
    assert len(passed) + len(failed) == 28
    assert all("a" in r["output"] for r in passed)
    v2 = run["prompts"][1]
    by_version = pages(world, rid, prompt_version_id=v2["prompt_version_id"])
    assert len(by_version) == 14 and all(r["output"].endswith("!") for r in by_version)
    by_label = pages(world, rid, prompt=v2["label"], provider="local:echo", q="MM")
    assert [r["output"] for r in by_label] == ["gamma!"]  # case-insensitive
    text = pages(world, rid, q="amm")
    assert [r["output"] for r in text] == ["gamma", "GAMMA", "gamma!", "GAMMA!"]
    assert pages(world, rid, status="error") == []
    assert pages(world, rid, status="pending") == []
    assert pages(world, rid, provider="no such model") == []


def test_bad_filters_and_cursors_are_4xx(ran: tuple[World, dict]) -> None:
    world, run = ran
    base = f"/v1/runs/{run['id']}/results"
    assert world.alice.get(base, query={"status": "maybe"}).status == 422
    assert world.alice.get(base, query={"cursor": "eyJ4IjoxfQ"}).status == 400
    assert world.alice.get(base, query={"limit": 0}).status == 422
    assert world.alice.get("/v1/runs/00000000-0000-0000-0000-000000000000/results").status == 404


async def test_a_rectangle_of_cases_and_cells_is_one_request(make_world: Any) -> None:
    world = make_world()
    run = await two_by_two_run(world, CASES, repeats=3)  # 2 prompts × 2 models × 3 = 12 a case
    base = f"/v1/runs/{run['id']}/results"
    everything = pages(world, run["id"])
    # a case's cells in page order are its cells 0..11, in (prompt, model, repeat) order
    by_case: dict[int, list[dict]] = {}
    for r in everything:
        by_case.setdefault(r["case_position"], []).append(r)

    def cells(answer: Any) -> list[tuple[int, int]]:
        assert answer.status == 200, answer.body
        found = []
        for r in answer.json["items"]:
            row = by_case[r["case_position"]]
            found.append((r["case_position"], [x["cell_id"] for x in row].index(r["cell_id"])))
        return found

    # cases 2..4, cells 4..8 of each: prompt 0 model 1 repeat 1 .. prompt 1 model 0 repeat 2
    rectangle = world.alice.get(
        base,
        query={"from_case": 2, "to_case": 4, "from_column": 4, "to_column": 8, "limit": 100},
    )
    assert cells(rectangle) == [(c, k) for c in range(2, 5) for k in range(4, 9)]
    assert rectangle.json["next_cursor"] is None
    one = world.alice.get(
        base, query={"from_case": 6, "to_case": 6, "from_column": 11, "to_column": 99}
    )
    assert cells(one) == [(6, 11)]  # past the last cell: up to the last
    paged = world.alice.get(
        base, query={"from_case": 0, "to_case": 6, "from_column": 0, "to_column": 0, "limit": 3}
    )
    assert cells(paged) == [(0, 0), (1, 0), (2, 0)] and paged.json["next_cursor"]
    for bad in (
        {"from_column": 1},
        {"from_case": 0, "to_case": 1, "from_column": 5, "to_column": 4},
        {"from_column": 0, "to_column": 3},
        {"from_case": 3, "to_case": 2},
    ):
        assert world.alice.get(base, query=bad).status == 400, bad
    assert world.alice.get(base, query={"from_column": -1, "to_column": 2}).status == 422


def test_exports(ran: tuple[World, dict]) -> None:
    world, run = ran
    rid = run["id"]
    as_csv = world.alice.get(f"/v1/runs/{rid}/export", query={"format": "csv"})
    assert as_csv.status == 200 and as_csv.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.body)))
    assert len(rows) == 28 and rows[0]["var:word"] == "alpha"
    lines = [
        json.loads(line)
        for line in world.alice.get(
            f"/v1/runs/{rid}/export", query={"format": "jsonl"}
        ).body.splitlines()
    ]
    assert len(lines) == 28 and {line["run_id"] for line in lines} == {rid}
    junit = ET.fromstring(world.alice.get(f"/v1/runs/{rid}/export", query={"format": "junit"}).body)
    assert int(junit.get("tests")) == 28
    assert int(junit.get("failures")) == sum(1 for line in lines if line["passed"] is False)
    assert world.alice.get(f"/v1/runs/{rid}/export", query={"format": "pdf"}).status == 422
    assert world.bob.get(f"/v1/runs/{rid}/results").status == 404


def test_text_search_resumes_across_scan_windows(
    ran: tuple[World, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    world, run = ran
    whole = pages(world, run["id"], q="amm")
    monkeypatch.setattr("assay.adapters.postgres.results_repo.TEXT_WINDOW", 3)
    windowed = pages(world, run["id"], q="amm")
    assert [r["cell_id"] for r in windowed] == [r["cell_id"] for r in whole]
    assert len(whole) == 4
