"""The outcome sink batches writes, flushes everything on exit and stops a run it cannot save."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from assay.domain.run_state import CellOutcome
from assay.usecases import sink as sink_module
from assay.usecases.sink import OutcomeSink

RUN, WS = uuid.uuid4(), uuid.uuid4()


def outcome() -> CellOutcome:
    return CellOutcome(cell_id=uuid.uuid4(), state="done")


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.batches: list[list[CellOutcome]] = []
        self.fail_times = fail_times

    async def write_outcomes(
        self, run_id: uuid.UUID, workspace_id: uuid.UUID, outcomes: list[CellOutcome]
    ) -> None:
        await asyncio.sleep(0)
        if self.fail_times:
            self.fail_times -= 1
            raise OSError("database went away")
        self.batches.append(list(outcomes))


async def test_batches_and_flushes_everything_on_exit() -> None:
    writer = Recorder()
    async with OutcomeSink(writer, RUN, WS, batch=10, interval=0.01) as sink:
        for _ in range(35):
            sink.add(outcome())
        await asyncio.sleep(0.05)
        sink.add(outcome())
    assert sum(len(b) for b in writer.batches) == 36
    assert max(len(b) for b in writer.batches) <= 35
    assert sink.written == 36


async def test_a_blip_is_retried_without_losing_outcomes(monkeypatch: pytest.MonkeyPatch) -> None:
    writer = Recorder(fail_times=2)
    monkeypatch.setattr(sink_module.asyncio, "sleep", _no_sleep(asyncio.sleep))
    async with OutcomeSink(writer, RUN, WS, batch=1, interval=0.01) as sink:
        sink.add(outcome())
        await asyncio.sleep(0.05)
    assert sum(len(b) for b in writer.batches) == 1


async def test_an_outage_stops_new_outcomes_and_surfaces_on_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writer = Recorder(fail_times=10_000)
    monkeypatch.setattr(sink_module.asyncio, "sleep", _no_sleep(asyncio.sleep))
    with pytest.raises(OSError, match="went away"):
        async with OutcomeSink(writer, RUN, WS, batch=1, interval=0.01) as sink:
            sink.add(outcome())
            for _ in range(100):
                await asyncio.sleep(0.01)
                if sink._task is not None and sink._task.done():
                    break
            with pytest.raises(RuntimeError, match="no longer be stored"):
                sink.add(outcome())
    assert writer.batches == []


def _no_sleep(real):  # type: ignore[no-untyped-def]
    async def fast(seconds: float) -> None:
        await real(0 if seconds >= 0.5 else seconds)

    return fast
