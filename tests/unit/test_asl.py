"""The run workflow's ASL, checked on its own: sam and cfn-lint do not read it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

ASL = Path(__file__).resolve().parents[2] / "statemachines" / "run.asl.json"
LAMBDA_SERVICE_ERRORS = {
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
}
HISTORY_LIMIT = 25_000
# events one poll costs: Wait (entered, exited), Task (entered, scheduled, started,
# succeeded, exited), Choice (entered, exited)
EVENTS_PER_POLL = 2 + 5 + 2


@pytest.fixture(scope="module")
def asl() -> dict[str, Any]:
    return dict(json.loads(ASL.read_text()))


def targets(state: dict[str, Any]) -> list[str]:
    found = [state[k] for k in ("Next", "Default") if k in state]
    found += [c["Next"] for c in state.get("Choices", [])]
    found += [c["Next"] for c in state.get("Catch", [])]
    return found


def test_every_target_exists_and_every_state_is_reachable(asl: dict[str, Any]) -> None:
    states = asl["States"]
    assert asl["StartAt"] in states
    for name, state in states.items():
        for target in targets(state):
            assert target in states, f"{name} -> {target}"
        terminal = state["Type"] in ("Succeed", "Fail") or state.get("End") is True
        assert terminal or targets(state), f"{name} leads nowhere"
    seen, todo = set(), [asl["StartAt"]]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(targets(states[name]))
    assert seen == set(states), f"unreachable: {set(states) - seen}"


def test_the_workflow_has_the_business_states_in_order(asl: dict[str, Any]) -> None:
    s = asl["States"]
    assert asl["StartAt"] == "PlanRun"
    assert "EnqueueChunks" in targets(s["IsRunStillWanted"])
    assert s["EnqueueChunks"]["Next"] == "StartPolling"
    assert s["StartPolling"]["Next"] == "WaitForCompletion"
    assert s["WaitForCompletion"]["Type"] == "Wait"
    assert s["WaitForCompletion"]["Next"] == "CheckProgress"
    assert s["CheckProgress"]["Next"] == "IsRunFinished"
    assert {"FinalizeRun", "WaitForCompletion", "RunCancelled"} <= set(targets(s["IsRunFinished"]))
    assert s["IsRunFinished"]["Default"] == "WaitForCompletion"
    assert s["RunCancelled"]["Type"] == "Succeed" and s["RunFailed"]["Type"] == "Fail"
    for name in s:
        assert re.fullmatch(r"(?:[A-Z][a-z]+)+", name), f"not a business name: {name}"


def test_tasks_retry_lambda_errors_with_jitter_and_catch_into_mark_run_failed(
    asl: dict[str, Any],
) -> None:
    tasks = {n: s for n, s in asl["States"].items() if s["Type"] == "Task"}
    assert set(tasks) == {
        "PlanRun",
        "EnqueueChunks",
        "CheckProgress",
        "FinalizeRun",
        "MarkRunFailed",
    }
    for name, task in tasks.items():
        assert task["Resource"] == "arn:aws:states:::lambda:invoke"
        assert task["TimeoutSeconds"] > 0
        service = [r for r in task["Retry"] if set(r["ErrorEquals"]) >= LAMBDA_SERVICE_ERRORS]
        assert service, name
        assert all(r["JitterStrategy"] == "FULL" and r["MaxAttempts"] >= 3 for r in service)
        if name == "MarkRunFailed":
            assert "Catch" not in task  # a failing failure handler must not loop
        else:
            assert task["Catch"] == [
                {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "MarkRunFailed"}
            ]


def test_every_task_output_carries_progress(asl: dict[str, Any]) -> None:
    for name, state in asl["States"].items():
        if state["Type"] == "Task":
            assert state["ResultSelector"]["progress.$"] == "$.Payload.progress", name
            assert state["ResultPath"] == "$.run", name


def test_jsonpath_only(asl: dict[str, Any]) -> None:
    text = ASL.read_text()
    assert asl.get("QueryLanguage", "JSONPath") == "JSONPath"
    assert "{%" not in text and "JSONata" not in text
    for state in asl["States"].values():
        assert state.get("QueryLanguage", "JSONPath") == "JSONPath"
        assert not {"Arguments", "Output", "Assign"} & set(state)


def test_placeholders_are_the_definition_substitutions() -> None:
    found = set(re.findall(r"\$\{(\w+)\}", ASL.read_text()))
    assert found == {
        "PlanRunFunctionArn",
        "EnqueueChunksFunctionArn",
        "CheckProgressFunctionArn",
        "FinalizeRunFunctionArn",
        "MarkRunFailedFunctionArn",
        "PollSeconds",
        "MaxPolls",
    }


def test_the_longest_run_fits_the_execution_history(asl: dict[str, Any]) -> None:
    # MaxPolls is capped at 2600 in template.yaml; defaults are 60 s x 1440 polls = 24 h
    fixed = 60  # PlanRun, the choices, EnqueueChunks, StartPolling, FinalizeRun and the end
    retries = 200  # room for Lambda service retries (3 events each)
    assert 2600 * EVENTS_PER_POLL + fixed + retries < HISTORY_LIMIT
    # the execution's own timeout is a backstop beyond the 24 h that MaxPolls allows
    assert asl["TimeoutSeconds"] >= 60 * 1440 + 3600
