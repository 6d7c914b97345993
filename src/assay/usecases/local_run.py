"""The in-process run loop: every model's chunks through its lane, results batched to Postgres."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from assay.domain.assertions import CodeRunner
from assay.domain.run_state import Progress
from assay.ports import Clock, LLMClient, RunStore
from assay.usecases.calling import CallPolicy, ModelLane
from assay.usecases.chunks import process_chunk
from assay.usecases.evaluate import Evaluator
from assay.usecases.leases import is_dead_local_owner, local_owner
from assay.usecases.run_gate import RunGate
from assay.usecases.sink import OutcomeSink

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LocalRunOptions:
    """How hard to drive a run: `concurrency` calls in flight per model; how long calls in
    flight when the run is cancelled may take to answer (`drain_s`) before they are dropped."""

    concurrency: int = 10
    chunk_size: int = 100
    lease_s: float = 60.0
    poll_s: float = 0.5
    drain_s: float = 60.0
    policy: CallPolicy = field(default_factory=CallPolicy)


@dataclass
class LocalRunner:
    """Executes a stored run in this process; a crashed or stopped run resumes from Postgres."""

    store: RunStore
    llm: LLMClient
    clock: Clock
    code_runner: CodeRunner | None = None

    async def execute(
        self,
        run_id: uuid.UUID,
        options: LocalRunOptions,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> Progress:
        """Run every open cell; returns the final progress. Cancel the task to stop cleanly."""
        plan = await self.store.load_plan(run_id)
        owner = local_owner()
        dead = [o for o in await self.store.lease_owners(run_id) if is_dead_local_owner(o)]
        if dead:
            released = await self.store.release(run_id, dead)
            log.info(
                "released leases of dead processes",
                extra={"run_id": str(run_id), "cells": released},
            )
        await self.store.set_status(run_id, "running")
        evaluator = Evaluator(
            plan=plan,
            llm=self.llm,
            code_runner=self.code_runner,
            may_call=RunGate(lambda: self.store.status(run_id)).is_open,
        )
        lanes = [
            ModelLane(concurrency=options.concurrency, policy=options.policy, clock=self.clock)
            for _ in plan.providers
        ]
        # Enough chunks in flight that cells waiting out a back-off never leave the lane idle.
        slots = 2 + math.ceil(3 * options.concurrency / options.chunk_size)
        try:
            async with OutcomeSink(self.store, run_id, plan.workspace_id) as sink:
                drivers = [
                    asyncio.create_task(
                        self._drive(
                            evaluator, lanes[pos], run_id, pos, owner, options, slots, sink.add
                        )
                    )
                    for pos in range(len(plan.providers))
                ]
                watch = asyncio.create_task(
                    self._watch(run_id, owner, options, evaluator, drivers, on_progress)
                )
                try:
                    await asyncio.gather(*drivers, return_exceptions=False)
                except asyncio.CancelledError:
                    if not evaluator.stopped.is_set():
                        raise
                finally:
                    watch.cancel()
                    for task in drivers:
                        task.cancel()
                    await asyncio.gather(watch, *drivers, return_exceptions=True)
        except (asyncio.CancelledError, KeyboardInterrupt):
            await asyncio.shield(self._stop(run_id, owner, "cancelled", "interrupted"))
            raise
        except Exception as exc:
            await asyncio.shield(
                self._stop(run_id, owner, "failed", f"{type(exc).__name__}: {exc}")
            )
            raise
        await self.store.release(run_id, [owner])
        final = await self.store.progress(run_id)
        if evaluator.stopped.is_set():
            log.info("run cancelled", extra={"run_id": str(run_id)})
        elif final.pending == 0 and final.leased == 0:
            await self.store.set_status(run_id, "completed")
        if on_progress:
            on_progress(final)
        return final

    async def _drive(
        self,
        evaluator: Evaluator,
        lane: ModelLane,
        run_id: uuid.UUID,
        pos: int,
        owner: str,
        options: LocalRunOptions,
        slots: int,
        emit: Callable[..., None],
    ) -> None:
        gate = asyncio.Semaphore(slots)

        async def one(chunk: int) -> None:
            async with gate:
                if evaluator.stopped.is_set():
                    return
                await process_chunk(
                    store=self.store,
                    evaluator=evaluator,
                    lane=lane,
                    run_id=run_id,
                    chunk=chunk,
                    owner=owner,
                    lease_s=options.lease_s,
                    emit=emit,
                )

        chunks = await self.store.open_chunks(run_id, pos)
        async with asyncio.TaskGroup() as group:
            for chunk in chunks:
                group.create_task(one(chunk))

    async def _watch(
        self,
        run_id: uuid.UUID,
        owner: str,
        options: LocalRunOptions,
        evaluator: Evaluator,
        drivers: list[asyncio.Task[None]],
        on_progress: Callable[[Progress], None] | None,
    ) -> None:
        """Report progress, keep leases alive, and stop calling models at once when the run is
        cancelled: calls already sent were paid for, so their answers are awaited and stored."""
        last_renew = self.clock.monotonic()
        while not all(t.done() for t in drivers):
            await self.clock.sleep(options.poll_s)
            if on_progress:
                on_progress(await self.store.progress(run_id))
            if self.clock.monotonic() - last_renew > options.lease_s / 3:
                await self.store.renew_leases(run_id, owner, options.lease_s)
                last_renew = self.clock.monotonic()
            if await self.store.status(run_id) == "cancelled":
                evaluator.stopped.set()
                await asyncio.wait(drivers, timeout=options.drain_s)
                for task in drivers:
                    task.cancel()
                return

    async def _stop(self, run_id: uuid.UUID, owner: str, status: str, error: str) -> None:
        """Leave the run resumable: unfinished cells pending again, the status saying why."""
        with contextlib.suppress(Exception):
            await self.store.release(run_id, [owner])
            if await self.store.status(run_id) in ("queued", "running"):
                await self.store.set_status(run_id, status, error)
