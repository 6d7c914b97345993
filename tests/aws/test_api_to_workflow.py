"""The whole AWS path from the API: v2 events to the API Lambda start a Step Functions execution
that moto runs, whose chunks the worker handler processes from SQS."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from unittest.mock import ANY

import boto3
import pytest
from services.api import handler as api

from api.conftest import JWT_SECRET, mint_hs256, v2_event
from assay.settings import load_settings
from fakes.openrouter import FakeOpenRouter
from integration.engine_support import rows

from .conftest import OPENROUTER_KEY
from .harness import REGION, AwsStack

STOP_EVENT = "provide-client-params.sfn.StopExecution"

CASES: list[dict[str, Any]] = [
    {"vars": {"word": "apple"}, "assert": [{"type": "contains", "value": "apple"}]},
    {"vars": {"word": "pear"}, "assert": [{"type": "contains", "value": "plum"}]},
    {"vars": {"word": "fig"}, "assert": [{"type": "contains", "value": "fig"}]},
    {"vars": {"word": "kiwi"}, "assert": [{"type": "contains", "value": "kiwi"}]},
]


class Caller:
    """One signed-in user calling the API Lambda with API Gateway v2 events."""

    def __init__(self) -> None:
        self.headers = {"authorization": f"Bearer {mint_hs256(uuid.uuid4())}"}
        self.stops: list[dict[str, Any]] = []  # StopExecution requests the API Lambda sent

    def record_stop(self, params: dict[str, Any], **_: Any) -> None:
        self.stops.append(dict(params))

    def __call__(self, method: str, path: str, body: Any = None, query: str = "") -> Any:
        headers = dict(self.headers)
        if body is not None:
            headers["content-type"] = "application/json"
        event = v2_event(
            method,
            path,
            headers=headers,
            body=None if body is None else json.dumps(body),
            query=query,
        )
        answer = api.lambda_handler(event, None)
        assert answer["statusCode"] < 300, (method, path, answer["statusCode"], answer["body"])
        return json.loads(answer["body"])


@pytest.fixture
def fake(aws: AwsStack, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenRouter]:
    """The fake OpenRouter, reachable by the API (run plans) and the workers (calls)."""
    with FakeOpenRouter(
        latency_ms=1,
        api_key=OPENROUTER_KEY,
        answers=lambda body: "fake says " + body["messages"][-1]["content"],
    ) as served:
        monkeypatch.setenv("OPENROUTER_BASE_URL", served.base_url)
        yield served


@pytest.fixture
def caller(
    aws: AwsStack, fake: FakeOpenRouter, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Caller]:
    """The API Lambda as template.yaml configures it: secrets by ARN, the state machine's ARN."""
    monkeypatch.setenv("SUPABASE_JWT_SECRET", JWT_SECRET)
    load_settings.cache_clear()
    api.application.cache_clear()
    call = Caller()
    # the API Lambda's Step Functions client is made from the default session on first use
    boto3.setup_default_session(region_name=REGION)
    assert boto3.DEFAULT_SESSION is not None
    events = boto3.DEFAULT_SESSION.events
    events.register(STOP_EVENT, call.record_stop)
    yield call
    events.unregister(STOP_EVENT, call.record_stop)
    api.application.cache_clear()
    load_settings.cache_clear()


def _create_run(call: Caller, **extra: Any) -> dict[str, Any]:
    test_set = call("POST", "/v1/test-sets", {"name": "fruit", "cases": CASES})
    prompt = call("POST", "/v1/prompts", {"name": "say", "text": "Say {{ word }}"})
    run: dict[str, Any] = call(
        "POST",
        "/v1/runs",
        {
            "test_set_id": test_set["id"],
            "prompt_version_ids": [prompt["latest_version"]["id"]],
            "models": [{"id": "openrouter:fake/model", "label": "fake"}],
            **extra,
        },
    )
    return run


def _execution_arn(aws: AwsStack, run_id: str) -> str:
    return f"{aws.state_machine_arn.replace(':stateMachine:', ':execution:')}:{run_id}"


def test_a_run_posted_to_the_api_runs_through_step_functions_and_sqs(
    aws: AwsStack, fake: FakeOpenRouter, caller: Caller
) -> None:
    run = _create_run(caller, repeats=2)
    assert run["status"] == "queued" and run["total_cells"] == 8
    arn = _execution_arn(aws, run["id"])
    started = aws.execution(arn)
    assert started["name"] == run["id"]
    assert json.loads(started["input"]) == {"run_id": run["id"]}

    final = aws.drive(arn)
    assert final["status"] == "SUCCEEDED", final
    assert fake.stats.ok == 8

    read = caller("GET", f"/v1/runs/{run['id']}")
    assert read["status"] == "completed"
    progress = read["progress"]
    assert (progress["total"], progress["done"], progress["passed"]) == (8, 8, 6)
    assert (progress["pending"], progress["running"], progress["failed"]) == (0, 0, 0)
    summary = read["summary"]
    assert len(summary) == 1 and (summary[0]["passed"], summary[0]["failed"]) == (6, 2)

    page = caller("GET", f"/v1/runs/{run['id']}/results", query="limit=100")
    items = page["items"]
    assert page["next_cursor"] is None and len(items) == 8
    assert sorted(i["vars"]["word"] for i in items) == sorted(
        [c["vars"]["word"] for c in CASES] * 2
    )
    assert all(i["output"] == f"fake says Say {i['vars']['word']}" for i in items)
    assert sorted(i["passed"] for i in items) == [False] * 2 + [True] * 6


def test_a_run_cancelled_through_the_api_stops_its_execution(
    aws: AwsStack, fake: FakeOpenRouter, caller: Caller
) -> None:
    fake.set(latency_ms=150)
    test_cases = [{"vars": {"word": f"w{i}"}} for i in range(30)]
    test_set = caller("POST", "/v1/test-sets", {"name": "many", "cases": test_cases})
    prompt = caller("POST", "/v1/prompts", {"name": "say", "text": "Say {{ word }}"})
    run = caller(
        "POST",
        "/v1/runs",
        {
            "test_set_id": test_set["id"],
            "prompt_version_ids": [prompt["latest_version"]["id"]],
            "models": [{"id": "openrouter:fake/model"}],
            "concurrency": 2,
        },
    )
    arn = _execution_arn(aws, run["id"])
    cancelled: list[dict[str, Any]] = []
    at_cancel: list[int] = []

    def cancel_once_calls_started() -> None:
        deadline = time.monotonic() + 15
        while fake.stats.calls < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        cancelled.append(caller("POST", f"/v1/runs/{run['id']}/cancel"))
        at_cancel.append(fake.stats.calls)

    canceller = threading.Thread(target=cancel_once_calls_started)
    canceller.start()
    try:
        final = aws.drive(arn)
    finally:
        canceller.join()
    while aws.poller.poll_once():  # the remaining messages are acknowledged without calls
        pass
    calls = fake.stats.calls

    assert cancelled and cancelled[0]["status"] == "cancelled"
    assert caller.stops == [{"executionArn": arn, "error": "Run.Cancelled", "cause": ANY}]
    # The stop normally aborts the execution. Two other endings are the same cancel seen from
    # the workflow: a CheckProgress that read the cancelled status before the stop landed ends
    # in RunCancelled (as it would on AWS), and moto may let the state that was mid-evaluation
    # overwrite the stop with a States.Runtime failure (see test_run_workflow).
    history = aws.history(arn)
    entered = [e.get("stateEnteredEventDetails", {}).get("name") for e in history]
    if final["status"] == "SUCCEEDED":
        assert "RunCancelled" in entered and "RunCompleted" not in entered, entered
    elif final["status"] != "ABORTED":
        failed = [e for e in history if e["type"] == "ExecutionFailed"]
        assert failed, (final, [e["type"] for e in history])
        assert failed[0]["executionFailedEventDetails"]["error"] == "States.Runtime", final
    assert 0 < at_cancel[0] < 30 and calls <= at_cancel[0] + 4
    read = caller("GET", f"/v1/runs/{run['id']}")
    assert read["status"] == "cancelled"
    assert read["progress"]["pending"] == 0 and read["progress"]["running"] == 0
    assert read["progress"]["cancelled"] > 0
    assert rows(aws.database_url, "select status from runs where id = %s", run["id"]) == [
        ("cancelled",)
    ]
