"""The run workflow's steps (plan, enqueue, check, finalize, fail); launching and cancelling it."""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assay.domain.run_state import Progress
from assay.ports import ChunkQueue, RunLauncher, RunStore

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running")


class RunTransitions(Protocol):
    """Status moves that happen only from the right state; see PostgresRunTransitions."""

    async def begin(self, run_id: uuid.UUID) -> str: ...

    async def complete(self, run_id: uuid.UUID) -> str: ...

    async def fail(self, run_id: uuid.UUID, error: str) -> str: ...

    async def fail_chunk(self, run_id: uuid.UUID, chunk: int, reason: str) -> tuple[int, int]: ...


class ChunkDispatches(Protocol):
    """When chunks were last enqueued; see PostgresChunkDispatches."""

    async def record(self, run_id: uuid.UUID, chunks: Sequence[int]) -> None: ...

    async def claim_stalled(self, run_id: uuid.UUID, grace_s: float, limit: int) -> list[int]: ...


@dataclass(frozen=True)
class Redispatch:
    """CheckProgress's safety net: re-enqueue at most `limit` chunks per check whose cells sit
    open with no live lease and no message sent for `grace_s` (a lost or deleted message)."""

    dispatches: ChunkDispatches
    queue: ChunkQueue
    grace_s: float
    limit: int


@dataclass(frozen=True)
class StepReport:
    """What a workflow step saw: the run's status and its cell counts afterwards."""

    run_id: uuid.UUID
    status: str
    progress: Progress
    enqueued: int = 0
    redispatched: int = 0

    @property
    def finished(self) -> bool:
        """No cell is waiting or being worked on."""
        return self.progress.pending == 0 and self.progress.leased == 0

    def counts(self) -> dict[str, int]:
        """The progress every state output carries: done, failed, total (and the rest)."""
        p = self.progress
        return {
            "done": p.done,
            "failed": p.failed,
            "total": p.total,
            "cancelled": p.cancelled,
            "open": p.pending + p.leased,
        }


async def plan_run(
    *, store: RunStore, transitions: RunTransitions, run_id: uuid.UUID
) -> StepReport:
    """Check the stored plan loads and move the run to running (a cancelled run stays so)."""
    await store.load_plan(run_id)  # NotFound or a validation error fail the workflow early
    status = await transitions.begin(run_id)
    return StepReport(run_id, status, await store.progress(run_id))


async def enqueue_chunks(
    *,
    store: RunStore,
    queue: ChunkQueue,
    run_id: uuid.UUID,
    dispatches: ChunkDispatches | None = None,
) -> StepReport:
    """Send one message per chunk that still has open cells; an inactive run sends none."""
    plan = await store.load_plan(run_id)
    status = await store.status(run_id)
    sent = 0
    if status in ACTIVE:
        chunks: list[int] = []
        for position in range(len(plan.providers)):
            chunks.extend(await store.open_chunks(run_id, position))
        open_chunks = sorted(set(chunks))
        sent = await queue.send_chunks(run_id, open_chunks)
        if dispatches is not None:
            await dispatches.record(run_id, open_chunks)
        log.info("chunks enqueued", extra={"run_id": str(run_id), "chunks": sent})
    return StepReport(run_id, status, await store.progress(run_id), enqueued=sent)


async def check_progress(
    *, store: RunStore, run_id: uuid.UUID, redispatch: Redispatch | None = None
) -> StepReport:
    """The run's status and counts, read from Postgres; stalled chunks of an active run are
    enqueued again when `redispatch` is given."""
    progress = await store.progress(run_id)
    # Read after the counts: a cancel committed between the two reads then shows as cancelled,
    # never as a still-running run whose cells have all ended (which would be finalized).
    status = await store.status(run_id)
    resent: list[int] = []
    if redispatch is not None and status in ACTIVE:
        resent = await redispatch.dispatches.claim_stalled(
            run_id, redispatch.grace_s, redispatch.limit
        )
        if resent:
            # claimed first, so a concurrent check cannot send the same chunks again
            await redispatch.queue.send_chunks(run_id, resent)
            log.warning(
                "stalled chunks enqueued again",
                extra={"run_id": str(run_id), "chunks": resent},
            )
    return StepReport(run_id, status, progress, redispatched=len(resent))


async def finalize_run(
    *, store: RunStore, transitions: RunTransitions, run_id: uuid.UUID
) -> StepReport:
    """Mark a run whose cells have all ended completed, its summary kept on it from then on;
    cancelled or failed runs keep their status."""
    status = await transitions.complete(run_id)
    return StepReport(run_id, status, await store.progress(run_id))


async def mark_run_failed(
    *, store: RunStore, transitions: RunTransitions, run_id: uuid.UUID, error: str
) -> StepReport:
    """Record why the workflow gave up; workers see the status and stop calling models."""
    status = await transitions.fail(run_id, error[:2000])
    log.warning("run failed", extra={"run_id": str(run_id), "status": status})
    return StepReport(run_id, status, await store.progress(run_id))


async def fail_dead_chunk(
    *, transitions: RunTransitions, run_id: uuid.UUID, chunk: int, receives: int
) -> tuple[int, int]:
    """Fail the open cells of a chunk whose message was dead-lettered: (failed, still leased)."""
    reason = (
        f"chunk {chunk} was abandoned: its queue message failed {receives} deliveries and went "
        "to the dead-letter queue (see the worker logs for this run and chunk)"
    )
    failed, live = await transitions.fail_chunk(run_id, chunk, reason)
    log.warning(
        "dead-lettered chunk failed",
        extra={"run_id": str(run_id), "chunk": chunk, "cells": failed, "still_leased": live},
    )
    return failed, live


async def launch_run(*, launcher: RunLauncher, run_id: uuid.UUID) -> str:
    """Start the run's workflow (the execution is named by the run id); returns its ARN."""
    return await launcher.start(run_id)


async def cancel_run(
    *, store: RunStore, launcher: RunLauncher, run_id: uuid.UUID, reason: str = "cancelled"
) -> None:
    """Cancel in Postgres first (workers stop at once), then stop the workflow."""
    await store.cancel(run_id)
    await launcher.stop(run_id, reason)


def error_text(error: dict[str, Any] | None) -> str:
    """A one-line reason from a Step Functions Catch output ({"Error", "Cause"})."""
    if not error:
        return "the run workflow failed"
    name = str(error.get("Error") or "Error")
    cause = error.get("Cause")
    if isinstance(cause, str) and cause.startswith("{"):
        # a Lambda error's cause is its JSON error object; keep only the message
        with contextlib.suppress(ValueError):
            parsed = json.loads(cause)
            if isinstance(parsed, dict) and parsed.get("errorMessage"):
                cause = str(parsed["errorMessage"])
    return f"{name}: {cause}" if cause else name
