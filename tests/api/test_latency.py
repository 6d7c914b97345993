"""Latency histograms of a run: counts per bucket, percentiles, exclusions, isolation."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from api.platform_world import World, two_by_two_run

CASES = [{"vars": {"word": w}} for w in ["alpha", "beta", "gamma", "delta", "echo", "fox", "golf"]]


@pytest.fixture
async def ran(make_world: Any) -> tuple[World, dict]:
    world = make_world()
    run = await two_by_two_run(world, CASES)
    # Known latencies (100, 110, ... 160 ms by case), one cached result and one errored one.
    with psycopg.connect(world.database_url, autocommit=True) as conn:
        conn.execute(
            "update results set latency_ms = 100 + 10 * case_position where run_id = %s",
            (run["id"],),
        )
        conn.execute(
            "update results set cached = true where run_id = %s and case_position = 0"
            " and prompt_position = 0 and provider_position = 0",
            (run["id"],),
        )
        conn.execute(
            "update results set error = 'boom' where run_id = %s and case_position = 6"
            " and prompt_position = 1 and provider_position = 1",
            (run["id"],),
        )
    return world, run


def eligible(world: World, run_id: str) -> int:
    with psycopg.connect(world.database_url) as conn:
        row = conn.execute(
            "select count(*) from results where run_id = %s and not cached and error is null"
            " and latency_ms is not null",
            (run_id,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_histogram_counts_every_eligible_result_once(ran: tuple[World, dict]) -> None:
    world, run = ran
    answer = world.alice.get(f"/v1/runs/{run['id']}/latency")
    assert answer.status == 200, answer.body
    body = answer.json
    edges = body["bucket_edges_ms"]
    assert len(edges) == 21 and edges[0] == 100 and edges[-1] == 160
    assert edges == sorted(edges)
    assert all(len(s["counts"]) == 20 for s in body["series"])
    total = sum(sum(s["counts"]) for s in body["series"])
    assert total == eligible(world, run["id"]) == 7 * 2 * 2 - 2
    pairs = {(s["prompt"], s["provider"]): sum(s["counts"]) for s in body["series"]}
    assert sorted(pairs.values()) == [6, 6, 7, 7]
    assert {p for _, p in pairs} == {"local:echo", "local:upper"}


def test_buckets_and_percentiles(ran: tuple[World, dict]) -> None:
    world, run = ran
    body = world.alice.get(f"/v1/runs/{run['id']}/latency", query={"buckets": 3}).json
    assert body["bucket_edges_ms"] == [100, 120, 140, 160]
    full = [s for s in body["series"] if sum(s["counts"]) == 7]
    assert len(full) == 2
    for s in full:
        # 100, 110 | 120, 130 | 140, 150 and the maximum 160, which belongs to the last bucket
        assert s["counts"] == [2, 2, 3]
        assert s["p50"] == 130
        assert s["p95"] == pytest.approx(157)
    no_cache = next(s for s in body["series"] if s["counts"] == [1, 2, 3])
    assert no_cache["p50"] == 135


def test_unknown_or_foreign_run_is_404_and_bad_buckets_422(ran: tuple[World, dict]) -> None:
    world, run = ran
    missing = world.alice.get("/v1/runs/00000000-0000-0000-0000-000000000000/latency")
    assert missing.status == 404 and missing.error_code == "not_found"
    foreign = world.bob.get(f"/v1/runs/{run['id']}/latency")
    assert foreign.status == 404 and foreign.error_code == "not_found"
    for bad in (0, 101, "many"):
        answer = world.alice.get(f"/v1/runs/{run['id']}/latency", query={"buckets": bad})
        assert answer.status == 422 and answer.error_code


def test_run_without_eligible_results_has_no_buckets(ran: tuple[World, dict]) -> None:
    world, run = ran
    with psycopg.connect(world.database_url, autocommit=True) as conn:
        conn.execute("update results set cached = true where run_id = %s", (run["id"],))
    body = world.alice.get(f"/v1/runs/{run['id']}/latency").json
    assert body == {"bucket_edges_ms": [], "series": []}


def test_equal_latencies_fall_in_the_first_bucket(ran: tuple[World, dict]) -> None:
    world, run = ran
    with psycopg.connect(world.database_url, autocommit=True) as conn:
        conn.execute("update results set latency_ms = 42 where run_id = %s", (run["id"],))
    body = world.alice.get(f"/v1/runs/{run['id']}/latency", query={"buckets": 4}).json
    assert body["bucket_edges_ms"] == [42, 42, 42, 42, 42]
    assert sorted(s["counts"][0] for s in body["series"]) == [6, 6, 7, 7]
    assert all(s["counts"][1:] == [0, 0, 0] and s["p95"] == 42 for s in body["series"])
