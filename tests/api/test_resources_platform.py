"""The resource routes inside the platform's real app: JWT auth, RLS transaction, launcher."""

from __future__ import annotations

import uuid
from typing import Any

from api.conftest import ApiClient, RecordingLauncher


def test_resources_through_the_real_app(api_app: Any) -> None:
    launcher = RecordingLauncher()
    client = ApiClient(api_app(launcher=launcher))
    alice, bob = client.as_user(uuid.uuid4()), client.as_user(uuid.uuid4())
    made = alice.post("/v1/test-sets", json_body={"name": "s", "cases": [{"vars": {"word": "hi"}}]})
    assert made.status == 201, made.text
    imported = alice.post(
        f"/v1/test-sets/{made.json()['id']}/import",
        body="word,__expected\nyo,contains: yo\n",
        headers={"content-type": "text/csv"},
    )
    assert imported.status == 201, imported.text
    prompt = alice.post("/v1/prompts", json_body={"name": "p", "text": "{{ word }}"}).json()
    run = alice.post(
        "/v1/runs",
        json_body={
            "test_set_id": made.json()["id"],
            "prompt_version_ids": [prompt["latest_version"]["id"]],
            "models": [{"id": "local:echo"}],
        },
    )
    assert run.status == 201, run.text
    assert run.json()["total_cells"] == 2
    assert [str(r) for r in launcher.started] == [run.json()["id"]]
    cancelled = alice.post(f"/v1/runs/{run.json()['id']}/cancel")
    assert cancelled.json()["progress"]["cancelled"] == 2
    assert [str(r) for r, _ in launcher.stopped] == [run.json()["id"]]
    assert bob.get(f"/v1/test-sets/{made.json()['id']}").error_code == "not_found"
    assert bob.get(f"/v1/runs/{run.json()['id']}/results").status == 404
    assert bob.get("/v1/test-sets").json()["items"] == []
    assert alice.get("/v1/models").status == 200
    document = alice.get("/v1/openapi.json").json()
    for path in ("/v1/test-sets/{test_set_id}/import", "/v1/runs/{run_id}/compare"):
        assert path in document["paths"], sorted(document["paths"])
