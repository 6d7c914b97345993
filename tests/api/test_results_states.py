"""Results of cells without a result yet (pending, leased, cancelled), and page conveniences."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from api.conftest import ApiClient

CASES = [
    {"vars": {"word": w}, "assert": [{"type": "contains", "value": w[:2]}]}
    for w in ("apple", "pear", "fig", "plum")
]


@pytest.fixture
def queued_run(api_client: ApiClient) -> dict[str, Any]:
    """A stored run whose launcher only records the start: every cell is still pending."""
    made = api_client.post("/v1/test-sets", json_body={"name": "s", "cases": CASES})
    assert made.status == 201, made.text
    prompt = api_client.post("/v1/prompts", json_body={"name": "p", "text": "{{ word }}"}).json()
    run = api_client.post(
        "/v1/runs",
        json_body={
            "test_set_id": made.json()["id"],
            "prompt_version_ids": [prompt["latest_version"]["id"]],
            "models": [{"id": "local:echo"}],
        },
    )
    assert run.status == 201, run.text
    return dict(run.json()) | {"test_set_id": made.json()["id"]}


def results(client: ApiClient, run_id: str, query: str = "") -> list[dict[str, Any]]:
    answer = client.get(f"/v1/runs/{run_id}/results", query=query)
    assert answer.status == 200, answer.text
    return list(answer.json()["items"])


def test_pending_leased_and_cancelled_cells_come_back_with_null_results(
    api_client: ApiClient, queued_run: dict[str, Any], database_url: str
) -> None:
    rid = queued_run["id"]
    items = results(api_client, rid)
    assert [i["state"] for i in items] == ["pending"] * 4
    assert {(i["output"], i["passed"], i["cached"], i["latency_ms"]) for i in items} == {
        (None, None, None, None)
    }
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "update cells set state = 'leased', lease_until = now() + interval '1 minute' "
            "where run_id = %s and case_position = 1",
            (rid,),
        )
    assert [i["state"] for i in results(api_client, rid)] == ["pending", "leased"] + ["pending"] * 2
    assert len(results(api_client, rid, "status=pending")) == 4
    assert api_client.post(f"/v1/runs/{rid}/cancel").status == 200
    cancelled = results(api_client, rid)
    assert [i["state"] for i in cancelled] == ["cancelled"] * 4
    assert all(i["output"] is None and i["cached"] is None for i in cancelled)
    assert len(results(api_client, rid, "status=cancelled")) == 4


def test_from_case_starts_the_pages_at_a_case_and_items_carry_their_assertions(
    api_client: ApiClient, queued_run: dict[str, Any]
) -> None:
    rid = queued_run["id"]
    items = results(api_client, rid, "from_case=2")
    assert [i["case_position"] for i in items] == [2, 3]
    assert [i["vars"]["word"] for i in items] == ["fig", "plum"]
    assert [(a["type"], a["value"]) for a in items[0]["assert"]] == [("contains", "fi")]
    first = api_client.get(f"/v1/runs/{rid}/results", query="from_case=1&limit=1").json()
    assert [i["case_position"] for i in first["items"]] == [1]
    rest = results(api_client, rid, f"from_case=1&cursor={first['next_cursor']}")
    assert [i["case_position"] for i in rest] == [2, 3]
    assert results(api_client, rid, "from_case=9") == []
    assert results(api_client, rid, "from_case=3&status=pending")[0]["case_position"] == 3
    bad = api_client.get(f"/v1/runs/{rid}/results", query="from_case=-1")
    assert bad.status == 422 and bad.error_code == "validation_error"


def test_openapi_documents_from_case_and_the_assert_list(api_client: ApiClient) -> None:
    document = api_client.get("/v1/openapi.json").json()
    params = document["paths"]["/v1/runs/{run_id}/results"]["get"]["parameters"]
    assert "from_case" in {p["name"] for p in params}
    result = document["components"]["schemas"]["ResultOut"]
    assert "assert" in result["properties"]
    assert {"type": "boolean"} in result["properties"]["cached"]["anyOf"]
