"""Batches cell outcomes into few database writes, so a 500-cells-per-second run is cheap."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Protocol

from assay.domain.run_state import CellOutcome


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
        interval: float = 0.25,
    ) -> None:
        self._writer, self._run, self._ws = writer, run_id, workspace_id
        self._batch, self._interval = batch, interval
        self._buffer: list[CellOutcome] = []
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.written = 0

    async def __aenter__(self) -> OutcomeSink:
        self._task = asyncio.create_task(self._loop(), name="outcome-sink")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        # Flushing here is what makes a Ctrl-C keep every answer already paid for.
        await asyncio.shield(self.flush())

    def add(self, outcome: CellOutcome) -> None:
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
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
            self._wake.clear()
            await self.flush()
