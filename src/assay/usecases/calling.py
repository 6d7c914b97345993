"""The per-model call lane: bounded concurrency, retries with back-off, a shared 429 pause."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from assay.domain.errors import ProviderError, RateLimited, TransientError
from assay.domain.models import Completion
from assay.ports import Clock


class CallPolicy(BaseModel):
    """How hard a lane tries: attempts, back-off bounds, jitter fraction and an overall deadline."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_attempts: int = Field(default=8, ge=1, le=100)
    base_delay: float = Field(default=0.2, ge=0.0)
    max_delay: float = Field(default=30.0, ge=0.0)
    jitter: float = Field(default=0.5, ge=0.0, le=1.0)
    deadline_s: float = Field(default=600.0, gt=0.0)

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Jittered exponential delay after the given (1-based) failed attempt."""
        delay = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        return delay * (1.0 - self.jitter * rng.random())


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@dataclass(frozen=True, slots=True)
class LaneStats:
    """What a lane has done so far; `paused_for` is the seconds left of its 429 pause."""

    calls: int = 0
    attempts: int = 0
    retries: int = 0
    rate_limited: int = 0
    transient_errors: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    paused_for: float = 0.0


_COUNTERS = (
    "calls",
    "attempts",
    "retries",
    "rate_limited",
    "transient_errors",
    "in_flight",
    "max_in_flight",
)


class ModelLane:
    """All calls to one model go through its lane; a 429 pauses every call of the lane."""

    def __init__(
        self,
        *,
        concurrency: int,
        policy: CallPolicy | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"lane concurrency must be at least 1, got {concurrency}")
        self.concurrency = concurrency
        self.policy = policy or CallPolicy()
        self._clock: Clock = clock or SystemClock()
        self._rng = rng or random.Random()
        self._slots = asyncio.Semaphore(concurrency)
        self._not_before = 0.0  # monotonic time before which no call of this lane is sent
        self._counts = dict.fromkeys(_COUNTERS, 0)

    @property
    def stats(self) -> LaneStats:
        """A snapshot of the counters."""
        paused = max(0.0, self._not_before - self._clock.monotonic())
        return LaneStats(**self._counts, paused_for=paused)

    async def call(self, fn: Callable[[], Awaitable[Completion]]) -> tuple[Completion, int]:
        """Run `fn` until it succeeds: (its completion, attempts made); else its last error.

        A PermanentError is raised at once; RateLimited and TransientError are retried
        until `max_attempts` or the deadline. The raised error's `details["attempts"]`
        says how many attempts were made.
        """
        policy = self.policy
        deadline = self._clock.monotonic() + policy.deadline_s
        self._count(calls=1)
        last: ProviderError | None = None
        for attempt in range(1, policy.max_attempts + 1):
            delay = 0.0
            async with self._slots:
                await self._wait_for_pause(deadline, last, attempt - 1)
                self._count(attempts=1, retries=int(attempt > 1), in_flight=1)
                try:
                    return await fn(), attempt
                except RateLimited as exc:
                    last = exc
                    self._count(rate_limited=1)
                    self._pause(exc.retry_after, attempt)
                except TransientError as exc:
                    last = exc
                    self._count(transient_errors=1)
                    delay = policy.backoff(attempt, self._rng)
                except ProviderError as exc:  # permanent: retrying will not help
                    _with_attempts(exc, attempt)
                    raise
                finally:
                    self._count(in_flight=-1)
            if attempt == policy.max_attempts or self._clock.monotonic() + delay > deadline:
                break
            if delay > 0:
                await self._clock.sleep(delay)  # outside the slot: other calls go on meanwhile
        assert last is not None  # the loop only ends early through a failed attempt
        raise _with_attempts(last, attempt)

    def _pause(self, retry_after: float | None, attempt: int) -> None:
        """Hold every call of the lane until the provider's window has refilled."""
        if retry_after is None:
            wait = self.policy.backoff(attempt, self._rng)
        else:
            # a little jitter so the lane does not hit the window edge in lockstep
            wait = retry_after + self._rng.random() * self.policy.jitter * self.policy.base_delay
        self._not_before = max(self._not_before, self._clock.monotonic() + wait)

    async def _wait_for_pause(
        self, deadline: float, last: ProviderError | None, attempts: int
    ) -> None:
        # bounded: each pass sleeps to the pause's end, and a pause past the deadline raises
        for _ in range(self.policy.max_attempts * 4):
            wait = self._not_before - self._clock.monotonic()
            if wait <= 0:
                return
            if self._clock.monotonic() + wait > deadline:
                raise _with_attempts(
                    last or RateLimited("rate limited past the call deadline", retry_after=wait),
                    attempts,
                )
            await self._clock.sleep(wait)

    def _count(self, **deltas: int) -> None:
        # mutable counters: this runs several times per call on the hot path
        counts = self._counts
        for name, delta in deltas.items():
            counts[name] += delta
        if counts["in_flight"] > counts["max_in_flight"]:
            counts["max_in_flight"] = counts["in_flight"]


def _with_attempts(error: ProviderError, attempts: int) -> ProviderError:
    error.details["attempts"] = attempts
    return error


class Lanes:
    """One lane per model key, created on first use with the same policy and clock."""

    def __init__(
        self, *, concurrency: int, policy: CallPolicy | None = None, clock: Clock | None = None
    ) -> None:
        self._concurrency = concurrency
        self._policy = policy or CallPolicy()
        self._clock: Clock = clock or SystemClock()
        self._lanes: dict[str, ModelLane] = {}

    def get(self, key: str, *, concurrency: int | None = None) -> ModelLane:
        """The lane for `key` (e.g. a provider id); `concurrency` applies only when it is new."""
        lane = self._lanes.get(key)
        if lane is None:
            lane = ModelLane(
                concurrency=concurrency or self._concurrency, policy=self._policy, clock=self._clock
            )
            self._lanes[key] = lane
        return lane
