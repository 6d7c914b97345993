"""A run's aggregates per prompt × model: computed while it runs, stored as it finishes."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from api.conftest import ApiClient
from api.platform_world import execute
from assay.adapters.postgres.reports import PostgresRunReports

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


def test_a_result_written_after_cancellation_refreshes_the_stored_summary(
    api_client: ApiClient, database_url: str
) -> None:
    run = launch(api_client)
    cancelled = api_client.post(f"/v1/runs/{run['id']}/cancel").json()
    assert sum(s["pending"] for s in cancelled["summary"]) == 40
    kept = stored(database_url, run["id"])
    assert kept is not None and kept[0]["counts"] == {"cancelled": 40}
    assert [r["pending"] for r in kept[1]] == [10] * 4
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "insert into results (cell_id, workspace_id, run_id, output, passed, score, cost) "
            "select id, workspace_id, run_id, 'late', true, 1, 0.5 from cells where run_id = %s "
            "and case_position = 0 and prompt_position = 0 and provider_position = 0 "
            "and repeat = 0",
            (run["id"],),
        )
    assert stored(database_url, run["id"]) is None  # the new result made the kept one stale
    read = api_client.get(f"/v1/runs/{run['id']}").json()
    summary = read["summary"]
    assert (summary[0]["passed"], summary[0]["pending"], summary[0]["cost"]) == (1, 9, 0.5)
    assert (read["progress"]["passed"], read["progress"]["cost"]) == (1, 0.5)
    assert stored(database_url, run["id"]) is not None


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
