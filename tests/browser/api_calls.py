"""The browser tests' shortcut for setting data up: the HTTP API of `assay up`, local mode."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

RUN_TIMEOUT_S = 90.0


def call(base: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """The JSON answer of the API at `path`: a POST of `body` when given, else a GET."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{base}/v1{path}",
        data=data,
        method="POST" if data is not None else "GET",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def finished_run(base: str, body: dict[str, Any]) -> str:
    """Starts a run over the API and waits until it has completed; its id."""
    run_id = str(call(base, "/runs", body)["id"])
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        status = call(base, f"/runs/{run_id}")["status"]
        if status == "completed":
            return run_id
        assert status in ("queued", "running"), f"run {run_id} ended {status}"
        time.sleep(0.3)
    raise AssertionError(f"run {run_id} did not finish in {RUN_TIMEOUT_S} s")
