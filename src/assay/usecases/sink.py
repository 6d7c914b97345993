"""Batches cell outcomes into few database writes, so a 500-cells-per-second run is cheap."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Protocol

from assay.domain.run_state import CellOutcome

WRITE_ATTEMPTS = 4  # a database blip is survived; an outage stops the run
# What a kill -9 can lose: answers younger than this were paid for but not yet stored.
FLUSH_INTERVAL_S = 0.1


class OutcomeWriter(Protocol):
    async def write_outcomes(
        self, run_id: uuid.UUID, workspace_id: uuid.UUID, outcomes: list[CellOutcome]
    ) -> None: ...


class OutcomeSink:
    """Buffers outcomes; writes when `batch` are waiting or `interval` seconds have passed."""

    def __init__(
        self,
        writer: OutcomeWriter,
        run_id: uuid.UUID,
        workspace_id: uuid.UUID,
        *,
        batch: int = 200,
        interval: float = FLUSH_INTERVAL_S,
    ) -> None:
        self._writer, self._run, self._ws = writer, run_id, workspace_id
        self._batch, self._interval = batch, interval
        self._buffer: list[CellOutcome] = []
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.written = 0

    async def __aenter__(self) -> OutcomeSink:
        self._task = asyncio.create_task(self._loop(), name="outcome-sink")
        return self

    async def __aexit__(self, *exc: object) -> None:
        # Let the writer finish its current batch instead of cancelling it mid-transaction.
        self._closing = True
        self._wake.set()
        failure: BaseException | None = None
        if self._task is not None:
            try:
                await asyncio.shield(self._task)
            except asyncio.CancelledError:
                self._task.cancel()
                raise
            except Exception as error:  # reported after the final flush below
                failure = error
        # Flushing here is what makes a Ctrl-C keep every answer already paid for.
        await asyncio.shield(self.flush())
        if failure is not None:
            raise failure

    def add(self, outcome: CellOutcome) -> None:
        """Buffer one outcome; raises if the writer has given up, so the run stops paying."""
        task = self._task
        if task is not None and task.done() and not task.cancelled() and task.exception():
            raise RuntimeError("results can no longer be stored") from task.exception()
        self._buffer.append(outcome)
        if len(self._buffer) >= self._batch:
            self._wake.set()

    async def flush(self) -> None:
        """Write everything buffered now."""
        async with self._lock:
            while self._buffer:
                pending, self._buffer = self._buffer, []
                try:
                    await self._writer.write_outcomes(self._run, self._ws, pending)
                except BaseException:
                    self._buffer[:0] = pending
                    raise
                self.written += len(pending)

    async def _loop(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
            self._wake.clear()
            for attempt in range(WRITE_ATTEMPTS):
                try:
                    await self.flush()
                    break
                except Exception:
                    if attempt == WRITE_ATTEMPTS - 1:
                        raise
                    await asyncio.sleep(0.5 * 2**attempt)
