"""A run's aggregates per prompt × model: computed while it runs, stored as it finishes."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from api.conftest import ApiClient
from api.platform_world import execute
from assay.adapters.postgres.database import async_pool
from assay.adapters.postgres.reports import PostgresRunReports
from assay.adapters.postgres.runs import PostgresRunStore
from assay.domain.models import Completion, GradingResult, Usage
from assay.domain.run_state import CellOutcome

CASES = [
    {"vars": {"word": w}, "assert": [{"type": "contains", "value": "p"}]}
    for w in ("apple", "pear", "fig", "plum", "kiwi")
]


def launch(client: ApiClient) -> dict[str, Any]:
    made = client.post("/v1/test-sets", json_body={"name": "s", "cases": CASES}).json()
    prompt = client.post("/v1/prompts", json_body={"name": "p", "text": "{{ word }}"}).json()
    second = client.post(
        f"/v1/prompts/{prompt['id']}/versions", json_body={"text": "{{ word }}!"}
    ).json()
    run = client.post(
        "/v1/runs",
        json_body={
            "test_set_id": made["id"],
            "prompt_version_ids": [prompt["latest_version"]["id"], second["version"]["id"]],
            "models": [{"id": "local:echo"}, {"id": "local:upper"}],
            "repeats": 2,
        },
    )
    assert run.status == 201, run.text
    return dict(run.json())


def stored(database_url: str, run_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute("select summary from runs where id = %s", (run_id,)).fetchone()
    assert row is not None
    return None if row[0] is None else (row[0]["progress"], row[0]["rows"])


def stamp(database_url: str, run_id: str) -> Any:
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute("select summary_at from runs where id = %s", (run_id,)).fetchone()
    assert row is not None
    return row[0]


async def test_finished_run_summary_matches_the_full_query_and_is_stored(
    api_client: ApiClient, database_url: str
) -> None:
    run = launch(api_client)
    queued = api_client.get(f"/v1/runs/{run['id']}").json()["summary"]
    assert [(s["cells"], s["pending"], s["passed"]) for s in queued] == [(10, 10, 0)] * 4
    assert stored(database_url, run["id"]) is None  # not finished: nothing kept
    await execute(database_url, run["id"])
    at_finish = stored(database_url, run["id"])  # kept by the engine as the run finished
    assert at_finish is not None and at_finish[0]["counts"] == {"done": 40}
    kept_at = stamp(database_url, run["id"])
    summary = api_client.get(f"/v1/runs/{run['id']}").json()["summary"]
    assert stamp(database_url, run["id"]) == kept_at  # the first read used it, computed nothing
    reference = PostgresRunReports(lambda: psycopg.connect(database_url)).summary(
        uuid.UUID(run["id"])
    )
    assert summary == [r.model_dump() for r in reference]
    # echo keeps "apple", "pear" and "plum" lowercase: 3 of 5 cases pass, twice; upper never
    assert [(s["provider"], s["passed"], s["failed"]) for s in summary] == [
        ("local:echo", 6, 4), ("local:upper", 0, 10), ("local:echo", 6, 4), ("local:upper", 0, 10)
    ]  # fmt: skip
    kept = stored(database_url, run["id"])
    assert kept == at_finish and len(kept[1]) == 4
    again = api_client.get(f"/v1/runs/{run['id']}").json()
    assert again["summary"] == summary and again["progress"]["done"] == 40
    with psycopg.connect(database_url, autocommit=True) as conn:  # what a read now uses
        conn.execute(
            "update runs set summary = jsonb_set(summary, '{rows}', '[]') where id = %s",
            (run["id"],),
        )
    assert api_client.get(f"/v1/runs/{run['id']}").json()["summary"] == []


async def test_a_result_landing_after_cancellation_is_counted_once_everywhere(
    api_client: ApiClient, database_url: str
) -> None:
    run = launch(api_client)
    run_id = uuid.UUID(run["id"])
    pool = async_pool(database_url, min_size=1, max_size=2)
    await pool.open(wait=True)
    try:
        store = PostgresRunStore(pool)
        leased = await store.claim_chunk(run_id, 0, owner="lambda:w1", lease_s=60)
        cancelled = api_client.post(f"/v1/runs/{run_id}/cancel").json()
        # cancelled cells wait for nothing: none is pending, in the answer or in the kept report
        assert cancelled["progress"]["cancelled"] == 40 and cancelled["progress"]["running"] == 0
        assert [s["pending"] for s in cancelled["summary"]] == [0] * 4
        kept = stored(database_url, run["id"])
        assert kept is not None and kept[0]["counts"] == {"cancelled": 40}
        assert [r["pending"] for r in kept[1]] == [0] * 4
        # the call for a leased cell was in flight: its paid answer lands as a worker writes it
        cell = leased[0]
        late = CellOutcome(
            cell_id=cell.id,
            state="done",
            completion=Completion(text="pear", usage=Usage(total_tokens=3, cost=0.5)),
            grading=GradingResult(passed=True, score=1.0),
        )
        await store.write_outcomes(run_id, workspace_of(database_url, run_id), [late])
    finally:
        await pool.close()
    kept = stored(database_url, run["id"])  # refreshed by the write, not forgotten
    assert kept is not None and kept[0]["counts"] == {"done": 1, "cancelled": 39}
    read = api_client.get(f"/v1/runs/{run_id}").json()
    progress = read["progress"]
    assert (progress["done"], progress["cancelled"], progress["pending"]) == (1, 39, 0)
    assert sum(progress[k] for k in ("done", "failed", "cancelled", "pending", "running")) == 40
    assert (progress["passed"], progress["cost"]) == (1, 0.5)
    first = read["summary"][0]
    assert (first["passed"], first["pending"], first["cost"]) == (1, 0, 0.5)
    listed = api_client.get("/v1/runs").json()["items"][0]
    assert listed["id"] == run["id"]
    assert listed["overview"] == read["overview"]
    assert (read["overview"]["pass_rate"], read["overview"]["cost"]) == (1.0, 0.5)


def workspace_of(database_url: str, run_id: uuid.UUID) -> uuid.UUID:
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute("select workspace_id from runs where id = %s", (run_id,)).fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def test_a_status_change_forgets_the_kept_summary(api_client: ApiClient, database_url: str) -> None:
    run = launch(api_client)
    api_client.post(f"/v1/runs/{run['id']}/cancel")
    assert stored(database_url, run["id"]) is not None
    with psycopg.connect(database_url, autocommit=True) as conn:  # a resumed run
        conn.execute("update cells set state = 'pending' where run_id = %s", (run["id"],))
        conn.execute("update runs set status = 'running' where id = %s", (run["id"],))
    assert stored(database_url, run["id"]) is None
    read = api_client.get(f"/v1/runs/{run['id']}").json()
    assert read["progress"]["pending"] == 40 and read["progress"]["cancelled"] == 0
    assert stored(database_url, run["id"]) is None  # running: nothing kept
