"""One queue message: process its chunk within a Lambda's time budget, or say when to retry."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import uuid
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.domain.errors import NotFound, RateLimited, TransientError
from assay.domain.run_state import CellOutcome
from assay.ports import Clock, LLMClient, RunStore
from assay.usecases.calling import CallPolicy, ModelLane
from assay.usecases.chunks import process_chunk
from assay.usecases.evaluate import Evaluator
from assay.usecases.orchestration import ACTIVE
from assay.usecases.run_gate import RunGate
from assay.usecases.sink import OutcomeSink

log = logging.getLogger(__name__)

# Errors a later delivery may not meet: while the message has deliveries left, such a cell
# goes back to pending and the message returns later instead of the cell failing.
DEFERRABLE = frozenset({RateLimited.code, TransientError.code})


class ChunkMessage(BaseModel):
    """The body of a chunk message: ids only."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: uuid.UUID
    chunk: int = Field(ge=0)


@dataclass(frozen=True)
class WorkerLimits:
    """How one delivery is bounded: its call budget, lease, deliveries, and watch interval."""

    budget_s: float
    lease_s: float
    max_receives: int = 12
    watch_s: float = 2.0
    retry_floor_s: float = 5.0
    jitter_s: float = 5.0


@dataclass(frozen=True)
class ChunkVerdict:
    """What became of a delivery: done, skipped (run not active), or retry after some seconds."""

    outcome: Literal["done", "skipped", "retry"]
    claimed: int = 0
    written: int = 0
    deferred: int = 0
    retry_after_s: int = 0


async def work_on_chunk(
    *,
    store: RunStore,
    llm: LLMClient,
    clock: Clock,
    message: ChunkMessage,
    receives: int,
    owner: str,
    limits: WorkerLimits,
    rng: random.Random | None = None,
) -> ChunkVerdict:
    """Claim the chunk's open cells, evaluate them, store outcomes; defer what cannot finish now."""
    run_id = message.run_id
    try:
        if await store.status(run_id) not in ACTIVE:
            return ChunkVerdict("skipped")
    except NotFound:
        log.warning("message for an unknown run", extra={"run_id": str(run_id)})
        return ChunkVerdict("skipped")
    plan = await store.load_plan(run_id)
    evaluator = Evaluator(
        plan=plan, llm=llm, may_call=RunGate(lambda: store.status(run_id)).is_open
    )
    policy = CallPolicy(deadline_s=max(1.0, limits.budget_s))
    lane = ModelLane(concurrency=plan.concurrency, policy=policy, clock=clock, rng=rng)
    last_delivery = receives >= limits.max_receives
    deferred: list[CellOutcome] = []
    timed_out = False
    try:
        async with OutcomeSink(store, run_id, plan.workspace_id) as sink:

            def emit(outcome: CellOutcome) -> None:
                if outcome.error_code in DEFERRABLE and not last_delivery:
                    deferred.append(outcome)
                else:
                    sink.add(outcome)

            work = asyncio.create_task(
                process_chunk(
                    store=store,
                    evaluator=evaluator,
                    lane=lane,
                    run_id=run_id,
                    chunk=message.chunk,
                    owner=owner,
                    lease_s=limits.lease_s,
                    emit=emit,
                )
            )
            watch = asyncio.create_task(_watch_cancel(store, run_id, evaluator, limits.watch_s))
            report = None
            try:
                async with asyncio.timeout(limits.budget_s):
                    report = await work
            except TimeoutError:
                timed_out = True
            finally:
                for task in (work, watch):
                    task.cancel()
                await asyncio.gather(work, watch, return_exceptions=True)
        written = sink.written
    finally:
        # cells this delivery did not finish go back to pending for the next one
        released = await asyncio.shield(store.release(run_id, [owner]))
    claimed = report.claimed if report else released + written
    if evaluator.stopped.is_set():
        return ChunkVerdict("skipped", claimed=claimed, written=written)
    if not deferred and not timed_out:
        return ChunkVerdict("done", claimed=claimed, written=written)
    wait = max(limits.retry_floor_s, lane.stats.paused_for)
    retry_after = math.ceil(wait + (rng or random).random() * limits.jitter_s)
    log.info(
        "chunk deferred",
        extra={
            "run_id": str(run_id),
            "chunk": message.chunk,
            "cells": len(deferred),
            "timed_out": timed_out,
            "retry_after_s": retry_after,
        },
    )
    return ChunkVerdict(
        "retry", claimed=claimed, written=written, deferred=released, retry_after_s=retry_after
    )


async def _watch_cancel(
    store: RunStore,
    run_id: uuid.UUID,
    evaluator: Evaluator,
    every_s: float,
) -> None:
    """Stop calling models as soon as the run is no longer active: queued calls are dropped,
    calls already sent (paid for) are awaited within the delivery's budget and stored."""
    for _ in range(100_000):  # bounded; the caller cancels this task when the chunk ends
        await asyncio.sleep(every_s)
        with contextlib.suppress(Exception):
            if await store.status(run_id) not in ACTIVE:
                evaluator.stopped.set()
                return
