"""Whether a run may still call models, asked right before each call.

The answer comes from a read of the run's status that began after the question was asked, so
a cancel committed before a call is about to be sent is always seen and that call is never
made; calls asking while a read is under way share the next one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from assay.usecases.orchestration import ACTIVE


class RunGate:
    """Open while the run is queued or running; once closed it stays closed."""

    def __init__(self, read_status: Callable[[], Awaitable[str]]) -> None:
        self._read_status = read_status
        self._lock = asyncio.Lock()
        self._begun = 0  # reads begun so far, numbered from 1
        self._answered = 0  # the number of the latest read that returned
        self._open = True  # what that read said

    async def is_open(self) -> bool:
        """True when a status read begun after this call says the run is still active."""
        asked = self._begun
        async with self._lock:
            # reads happen only under the lock, so one begun after we asked has ended
            if self._open and self._answered <= asked:
                self._begun += 1
                number = self._begun
                self._open = await self._read_status() in ACTIVE
                self._answered = number
            return self._open
