"""The model lane: concurrency, retries, the shared 429 pause, deadlines, cancellation."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from assay.domain.errors import PermanentError, RateLimited, TransientError
from assay.domain.models import Completion
from assay.usecases.calling import CallPolicy, Lanes, ModelLane, SystemClock


class FakeClock:
    """Time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=self.t)

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds
        await asyncio.sleep(0)


def lane(clock: FakeClock, concurrency: int = 2, **policy: float) -> ModelLane:
    return ModelLane(
        concurrency=concurrency,
        policy=CallPolicy(**policy),
        clock=clock,
        rng=random.Random(7),
    )


def scripted(*outcomes: BaseException | str):
    """A call that raises or answers each outcome in turn; records when it ran."""
    times: list[float] = []
    queue = list(outcomes)

    def make(clock: FakeClock):
        async def fn() -> Completion:
            times.append(clock.monotonic())
            outcome = queue.pop(0)
            if isinstance(outcome, BaseException):
                raise outcome
            return Completion(text=outcome)

        return fn

    return make, times


async def test_transient_errors_are_retried_with_growing_jittered_backoff() -> None:
    clock = FakeClock()
    make, times = scripted(TransientError("a"), TransientError("b"), TransientError("c"), "ok")
    result, attempts = await lane(clock, base_delay=0.2, jitter=0.5).call(make(clock))
    assert (result.text, attempts) == ("ok", 4)
    assert len(clock.sleeps) == 3
    for k, slept in enumerate(clock.sleeps):
        full = 0.2 * 2**k
        assert full * 0.5 <= slept <= full
    assert times == sorted(times) and times[0] == 0.0


async def test_backoff_is_capped_by_max_delay() -> None:
    clock = FakeClock()
    make, _ = scripted(*[TransientError("x")] * 6, "ok")
    await lane(clock, base_delay=1.0, max_delay=3.0, jitter=0.0).call(make(clock))
    assert clock.sleeps == [1.0, 2.0, 3.0, 3.0, 3.0, 3.0]


async def test_permanent_error_is_raised_at_once() -> None:
    clock = FakeClock()
    make, times = scripted(PermanentError("bad key"), "never")
    with pytest.raises(PermanentError) as info:
        await lane(clock).call(make(clock))
    assert len(times) == 1
    assert info.value.details["attempts"] == 1
    assert clock.sleeps == []


async def test_other_exceptions_propagate_unretried() -> None:
    clock = FakeClock()
    make, times = scripted(ValueError("bug"), "never")
    with pytest.raises(ValueError, match="bug"):
        await lane(clock).call(make(clock))
    assert len(times) == 1


async def test_max_attempts_raises_the_last_error() -> None:
    clock = FakeClock()
    make, times = scripted(TransientError("1"), TransientError("2"), TransientError("3"), "ok")
    the_lane = lane(clock, max_attempts=3)
    with pytest.raises(TransientError, match="3") as info:
        await the_lane.call(make(clock))
    assert len(times) == 3
    assert info.value.details["attempts"] == 3
    stats = the_lane.stats
    assert (stats.attempts, stats.retries, stats.transient_errors) == (3, 2, 3)


async def test_deadline_stops_retrying_before_sleeping_past_it() -> None:
    clock = FakeClock()
    make, times = scripted(*[TransientError(str(i)) for i in range(8)])
    with pytest.raises(TransientError, match="1") as info:
        await lane(clock, base_delay=0.4, jitter=0.0, deadline_s=1.0).call(make(clock))
    # attempt 1 at t=0, sleep 0.4, attempt 2 at t=0.4; the next sleep (0.8) would pass t=1.0
    assert times == [0.0, 0.4]
    assert info.value.details["attempts"] == 2


async def test_rate_limit_pauses_every_call_of_the_lane() -> None:
    clock = FakeClock()
    the_lane = lane(clock, concurrency=4, jitter=0.0)
    failed = asyncio.Event()
    first_times: list[float] = []

    async def first() -> Completion:
        first_times.append(clock.monotonic())
        if len(first_times) == 1:
            failed.set()
            raise RateLimited("429", retry_after=2.0)
        return Completion(text="first")

    other_started: list[float] = []

    async def other() -> Completion:
        other_started.append(clock.monotonic())
        return Completion(text="other")

    async def later() -> tuple[Completion, int]:
        await failed.wait()
        return await the_lane.call(other)

    (a, a_attempts), (b, b_attempts) = await asyncio.gather(the_lane.call(first), later())
    assert (a.text, a_attempts, b.text, b_attempts) == ("first", 2, "other", 1)
    assert first_times[1] >= 2.0
    assert other_started[0] >= 2.0  # never sent during the pause though it never saw a 429
    assert the_lane.stats.rate_limited == 1


async def test_rate_limit_without_retry_after_backs_off_exponentially() -> None:
    clock = FakeClock()
    make, times = scripted(RateLimited("429"), RateLimited("429"), "ok")
    result, attempts = await lane(clock, base_delay=0.5, jitter=0.0).call(make(clock))
    assert (result.text, attempts) == ("ok", 3)
    assert times == [0.0, 0.5, 1.5]


async def test_rate_limit_past_the_deadline_gives_up() -> None:
    clock = FakeClock()
    make, times = scripted(RateLimited("slow down", retry_after=100.0), "ok")
    with pytest.raises(RateLimited, match="slow down"):
        await lane(clock, deadline_s=10.0).call(make(clock))
    assert len(times) == 1
    assert clock.t < 10.0


async def test_stats_report_the_remaining_pause() -> None:
    clock = FakeClock()
    the_lane = lane(clock, max_attempts=1, jitter=0.0)
    make, _ = scripted(RateLimited("429", retry_after=3.0))
    with pytest.raises(RateLimited):
        await the_lane.call(make(clock))
    assert the_lane.stats.paused_for == pytest.approx(3.0)
    clock.t = 1.0
    assert the_lane.stats.paused_for == pytest.approx(2.0)


async def test_concurrency_cap_is_honoured() -> None:
    the_lane = ModelLane(concurrency=3, clock=FakeClock())
    gate = asyncio.Event()
    running = 0
    peak = 0

    async def fn() -> Completion:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await gate.wait()
        running -= 1
        return Completion(text="x")

    tasks = [asyncio.create_task(the_lane.call(fn)) for _ in range(10)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert running == 3
    assert the_lane.stats.in_flight == 3
    gate.set()
    results = await asyncio.gather(*tasks)
    assert [r[0].text for r in results] == ["x"] * 10
    assert peak == 3
    assert the_lane.stats.max_in_flight == 3
    assert the_lane.stats.in_flight == 0


async def test_a_cancelled_call_releases_its_slot() -> None:
    the_lane = ModelLane(concurrency=1, clock=FakeClock())
    hang = asyncio.Event()

    async def stuck() -> Completion:
        await hang.wait()
        return Completion(text="never")

    async def quick() -> Completion:
        return Completion(text="quick")

    blocked = asyncio.create_task(the_lane.call(stuck))
    await asyncio.sleep(0)
    waiting = asyncio.create_task(the_lane.call(quick))
    await asyncio.sleep(0)
    assert not waiting.done()
    blocked.cancel()
    result, attempts = await asyncio.wait_for(waiting, timeout=5)
    assert (result.text, attempts) == ("quick", 1)
    assert blocked.cancelled()
    assert the_lane.stats.in_flight == 0


def test_policy_and_lane_refuse_nonsense() -> None:
    with pytest.raises(ValidationError, match="max_attempts"):
        CallPolicy(max_attempts=0)
    with pytest.raises(ValidationError, match="jitter"):
        CallPolicy(jitter=2.0)
    with pytest.raises(ValueError, match="at least 1"):
        ModelLane(concurrency=0)


def test_lanes_give_one_lane_per_key() -> None:
    lanes = Lanes(concurrency=5)
    a = lanes.get("openrouter:a")
    assert lanes.get("openrouter:a") is a
    b = lanes.get("openrouter:b", concurrency=2)
    assert b is not a
    assert (a.concurrency, b.concurrency) == (5, 2)


async def test_system_clock_is_timezone_aware_and_sleeps() -> None:
    clock = SystemClock()
    assert clock.now().tzinfo is UTC
    before = clock.monotonic()
    await clock.sleep(0.01)
    assert clock.monotonic() > before
