"""Lambda handlers of the run workflow's task states: parse the task input, run one step."""

from __future__ import annotations

import uuid
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay.aws_wiring import LambdaRuntime, runtime
from assay.domain.errors import InvalidInput
from assay.usecases import orchestration as steps

logger = Logger(service="assay-orchestrator")


class TaskInput(BaseModel):
    """What the state machine passes to a task: the run id, the poll count, a caught error."""

    model_config = ConfigDict(extra="ignore")

    run_id: uuid.UUID
    polls: int = Field(default=0, ge=0)
    error: dict[str, Any] | None = None


def _parse(event: Any) -> TaskInput:
    try:
        return TaskInput.model_validate(event)
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise InvalidInput(f"bad task input: {where}") from None


def _answer(report: steps.StepReport, **extra: Any) -> dict[str, Any]:
    return {
        "run_id": str(report.run_id),
        "status": report.status,
        "progress": report.counts(),
        **extra,
    }


def _rt() -> LambdaRuntime:
    return runtime("orchestrator")


@logger.inject_lambda_context
def plan_run(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """PlanRun: check the stored plan and mark the run running."""
    task, rt = _parse(event), _rt()

    async def step() -> steps.StepReport:
        return await steps.plan_run(
            store=await rt.store(), transitions=await rt.transitions(), run_id=task.run_id
        )

    return _answer(rt.run(step()))


@logger.inject_lambda_context
def enqueue_chunks(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """EnqueueChunks: one SQS message per open chunk."""
    task, rt = _parse(event), _rt()

    async def step() -> steps.StepReport:
        return await steps.enqueue_chunks(
            store=await rt.store(),
            queue=rt.queue,
            run_id=task.run_id,
            dispatches=await rt.dispatches(),
        )

    report = rt.run(step())
    return _answer(report, enqueued=report.enqueued)


@logger.inject_lambda_context
def check_progress(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """CheckProgress: counts from Postgres, stalled chunks enqueued again; `polls` is echoed so
    the machine can bound its loop."""
    task, rt = _parse(event), _rt()

    async def step() -> steps.StepReport:
        return await steps.check_progress(
            store=await rt.store(), run_id=task.run_id, redispatch=await rt.redispatch()
        )

    report = rt.run(step())
    return _answer(
        report, finished=report.finished, polls=task.polls, redispatched=report.redispatched
    )


@logger.inject_lambda_context
def finalize_run(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """FinalizeRun: mark the run completed."""
    task, rt = _parse(event), _rt()

    async def step() -> steps.StepReport:
        return await steps.finalize_run(
            store=await rt.store(), transitions=await rt.transitions(), run_id=task.run_id
        )

    return _answer(rt.run(step()))


@logger.inject_lambda_context
def mark_run_failed(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """MarkRunFailed: store why the workflow gave up."""
    task, rt = _parse(event), _rt()
    error = steps.error_text(task.error)
    logger.warning("run workflow failed", extra={"run_id": str(task.run_id), "error": error})

    async def step() -> steps.StepReport:
        return await steps.mark_run_failed(
            store=await rt.store(),
            transitions=await rt.transitions(),
            run_id=task.run_id,
            error=error,
        )

    return _answer(rt.run(step()), error=error)
