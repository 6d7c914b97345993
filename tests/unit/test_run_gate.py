"""RunGate: every answer comes from a status read begun after the question; askers share reads."""

from __future__ import annotations

import asyncio

import pytest

from assay.usecases.run_gate import RunGate


class Statuses:
    """A status store whose reads the test releases one at a time."""

    def __init__(self, status: str = "running") -> None:
        self.status = status
        self.begun = 0
        self.release = asyncio.Event()
        self.fail_next = False

    async def read(self) -> str:
        self.begun += 1
        seen = self.status  # the read's snapshot is taken as it begins
        await self.release.wait()
        self.release.clear()
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("database went away")
        return seen


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_cancel_committed_during_a_read_is_seen_by_those_who_asked_after_it_began() -> None:
    store = Statuses()
    gate = RunGate(store.read)
    first = asyncio.create_task(gate.is_open())
    await settle()
    assert store.begun == 1
    store.status = "cancelled"  # committed while the first read is under way
    later = [asyncio.create_task(gate.is_open()) for _ in range(3)]
    await settle()
    store.release.set()
    assert await first is True  # its read began before the cancel
    await settle()
    assert store.begun == 2  # the three later askers share one new read
    store.release.set()
    assert await asyncio.gather(*later) == [False, False, False]
    assert await gate.is_open() is False and store.begun == 2  # closed stays closed


async def test_a_failed_read_answers_no_one_else() -> None:
    store = Statuses()
    gate = RunGate(store.read)
    first = asyncio.create_task(gate.is_open())
    await settle()
    second = asyncio.create_task(gate.is_open())
    await settle()
    store.status = "cancelled"
    store.fail_next = True
    store.release.set()
    with pytest.raises(ConnectionError):
        await first
    await settle()
    assert store.begun == 2  # the second asker reads again: the failed read told it nothing
    store.release.set()
    assert await second is False
