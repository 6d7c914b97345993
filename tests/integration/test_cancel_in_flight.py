"""A cancel racing the calls of its run: a call already sent when the cancel commits keeps its
paid result and its cell ends done or failed; a cell cancelled before its call is never called.
Every cell is counted once, and the report kept on the run includes results that land late."""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from assay.adapters.postgres.migrations import default_directory, migrate
from assay.adapters.postgres.runs import PostgresRunStore
from assay.adapters.postgres.runs_repo import RunsRepo, refresh_finished_summary
from assay.domain.models import Completion, GradingResult, Usage
from assay.domain.run_state import CellOutcome, ClaimedCell
from assay.usecases.calling import SystemClock
from assay.usecases.results import report_of
from assay.usecases.runs import create_run
from assay.usecases.worker import ChunkMessage, WorkerLimits, work_on_chunk
from fakes.openrouter import FakeOpenRouter
from integration.engine_support import Engine, engine, options, rows, suite
from integration.test_summary_at_finish import counted, fresh, kept, reference

KEY = "sk-test-key"
UNREACHABLE = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_OPENROUTER_KEY", KEY)


def cancel_through_the_api(database_url: str, run_id: uuid.UUID) -> None:
    """What POST /v1/runs/{id}/cancel does in its transaction: lock, cancel, keep the report."""
    with psycopg.connect(database_url) as conn, conn.transaction():
        found = conn.execute("select workspace_id from runs where id = %s", (run_id,)).fetchone()
        assert found is not None
        repo = RunsRepo(conn, found[0])
        repo.get(run_id, lock=True)
        repo.cancel(run_id)


def states(database_url: str, run_id: uuid.UUID) -> dict[str, int]:
    found = rows(
        database_url, "select state, count(*) from cells where run_id = %s group by 1", run_id
    )
    return {state: n for state, n in found}


def cancelled_with_a_result(database_url: str, run_id: uuid.UUID) -> int:
    """Cells counted as cancelled although a paid result is stored for them."""
    found = rows(
        database_url,
        "select count(*) from cells c join results r on r.cell_id = c.id "
        "where c.run_id = %s and c.state = 'cancelled'",
        run_id,
    )
    return int(found[0][0])


def answered(cell: ClaimedCell, cost: float, passed: bool) -> CellOutcome:
    """A worker's outcome for a call that answered."""
    return CellOutcome(
        cell_id=cell.id,
        state="done",
        completion=Completion(
            text="late answer",
            finish_reason="stop",
            usage=Usage(prompt_tokens=3, completion_tokens=2, total_tokens=5, cost=cost),
            latency_ms=420.0,
        ),
        grading=GradingResult(passed=passed, score=1.0 if passed else 0.0),
        attempts=1,
    )


def errored(cell: ClaimedCell) -> CellOutcome:
    """A worker's outcome for a call that ended in an error."""
    return CellOutcome(
        cell_id=cell.id, state="failed", error="HTTP 502", error_code="transient_error"
    )


async def workspace_of(e: Engine, run_id: uuid.UUID) -> uuid.UUID:
    return (await e.store.load_plan(run_id)).workspace_id


async def until(condition: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        await asyncio.sleep(0.005)


async def test_a_result_written_after_the_api_cancel_is_counted_once_and_kept(
    database_url: str,
) -> None:
    async with engine(database_url) as e:
        s = suite(UNREACHABLE, cases=6, models=("fake/model", "openai/gpt-4o-mini"))
        run_id = await create_run(e.store, s, chunk_size=3)
        ws = await workspace_of(e, run_id)
        leased = await e.store.claim_chunk(run_id, 0, owner="lambda:w1", lease_s=60)
        assert len(leased) == 3
        cancel_through_the_api(database_url, run_id)
        at_cancel = kept(database_url, run_id)
        assert at_cancel is not None and at_cancel["progress"]["counts"] == {"cancelled": 12}
        # cells cancelled before they ran are not waiting for anything
        assert [r["pending"] for r in at_cancel["rows"]] == [0, 0]
        # the worker's calls were in flight: their results land after the cancel committed
        await e.store.write_outcomes(
            run_id, ws, [answered(leased[0], 0.25, True), errored(leased[1])]
        )
        progress = await e.store.progress(run_id)

    assert states(database_url, run_id) == {"done": 1, "failed": 1, "cancelled": 10}
    assert cancelled_with_a_result(database_url, run_id) == 0
    assert progress.done + progress.failed + progress.cancelled == progress.total == 12
    assert progress.pending == progress.leased == 0
    assert (progress.passed, progress.cost) == (1, 0.25)
    report = kept(database_url, run_id)  # refreshed by the late write, not forgotten
    assert report is not None and report == fresh(database_url, run_id)
    assert report["progress"]["counts"] == {"done": 1, "failed": 1, "cancelled": 10}
    assert (report["progress"]["passed"], report["progress"]["cost"]) == (1, 0.25)
    assert counted(report) == reference(database_url, run_id)
    assert [(r["passed"], r["errors"], r["pending"], r["cost"]) for r in report["rows"]] == [
        (1, 1, 0, 0.25),
        (0, 0, 0, 0),
    ]
    # what the runs list shows comes from the same kept rows
    with psycopg.connect(database_url) as conn:
        listed = RunsRepo(conn, ws).list_page(None, 10)
    assert [r["kept_rows"] for r in listed if r["id"] == run_id] == [report["rows"]]


async def test_a_repeated_late_write_changes_nothing(database_url: str) -> None:
    async with engine(database_url) as e:
        run_id = await create_run(e.store, suite(UNREACHABLE, cases=4), chunk_size=4)
        ws = await workspace_of(e, run_id)
        leased = await e.store.claim_chunk(run_id, 0, owner="lambda:w1", lease_s=60)
        cancel_through_the_api(database_url, run_id)
        await e.store.write_outcomes(run_id, ws, [answered(leased[0], 0.5, True)])
        first = kept(database_url, run_id)
        # a second delivery of the same cell: the first result stands, nothing is paid twice
        await e.store.write_outcomes(run_id, ws, [errored(leased[0])])
    assert states(database_url, run_id) == {"done": 1, "cancelled": 3}
    assert rows(database_url, "select count(*) from results where run_id = %s", run_id) == [(1,)]
    assert kept(database_url, run_id) == first == fresh(database_url, run_id)


async def test_a_report_read_before_a_late_result_never_replaces_the_refreshed_one(
    database_url: str,
) -> None:
    async with engine(database_url) as e:
        run_id = await create_run(e.store, suite(UNREACHABLE, cases=3), chunk_size=3)
        ws = await workspace_of(e, run_id)
        leased = await e.store.claim_chunk(run_id, 0, owner="lambda:w1", lease_s=60)
        cancel_through_the_api(database_url, run_id)
        with psycopg.connect(database_url) as conn:
            conn.execute("update runs set summary = null where id = %s", (run_id,))
            conn.commit()
            # a read of the cancelled run computes its report (no result yet) ...
            repo = RunsRepo(conn, ws)
            stale = report_of(
                repo.results_by_pair(run_id),
                repo.cells_by_pair(run_id),
                repo.prompts(run_id),
                repo.providers(run_id),
            )
            conn.commit()
            # ... a late result lands and the writer refreshes the report ...
            await e.store.write_outcomes(run_id, ws, [answered(leased[0], 0.5, True)])
            refreshed = kept(database_url, run_id)
            # ... and then the read stores what it computed
            repo.store_summary(run_id, "cancelled", *stale)
            conn.commit()
    assert refreshed is not None and refreshed["progress"]["cost"] == 0.5
    assert kept(database_url, run_id) == refreshed == fresh(database_url, run_id)


class CancelledRightAfterClaiming(PostgresRunStore):
    """The run store, with the run cancelled through the API right after cells are leased, so
    the cancel commits between a cell's lease and its call."""

    def __init__(self, pool: Any, database_url: str) -> None:
        super().__init__(pool)
        self._url = database_url
        self.claimed = 0

    async def claim_chunk(
        self, run_id: uuid.UUID, chunk: int, *, owner: str, lease_s: float
    ) -> list[ClaimedCell]:
        cells = await super().claim_chunk(run_id, chunk, owner=owner, lease_s=lease_s)
        if cells and not self.claimed:
            await asyncio.to_thread(cancel_through_the_api, self._url, run_id)
        self.claimed += len(cells)
        return cells


@asynccontextmanager
async def racing_engine(database_url: str) -> AsyncIterator[tuple[Engine, PostgresRunStore]]:
    async with engine(database_url) as e:
        yield e, CancelledRightAfterClaiming(e.store._pool, database_url)


async def test_the_local_engine_never_calls_a_cell_cancelled_after_its_lease(
    database_url: str,
) -> None:
    with FakeOpenRouter(latency_ms=1, api_key=KEY) as fake:
        async with racing_engine(database_url) as (e, racing):
            run_id = await create_run(e.store, suite(fake.base_url, cases=8), chunk_size=4)
            e.runner.store = racing
            final = await e.runner.execute(run_id, options(concurrency=4, chunk_size=4))
        assert fake.stats.calls == 0
    assert racing.claimed >= 4  # cells were leased, and the cancel came before their calls
    assert final.cancelled == final.total == 8
    assert rows(database_url, "select count(*) from results where run_id = %s", run_id) == [(0,)]


async def test_a_worker_never_calls_a_cell_cancelled_after_its_lease(database_url: str) -> None:
    limits = WorkerLimits(budget_s=30, lease_s=30, watch_s=5)
    with FakeOpenRouter(latency_ms=1, api_key=KEY) as fake:
        async with racing_engine(database_url) as (e, racing):
            run_id = await create_run(e.store, suite(fake.base_url, cases=4), chunk_size=4)
            await e.store.set_status(run_id, "running")
            verdict = await work_on_chunk(
                store=racing,
                llm=e.runner.llm,
                clock=SystemClock(),
                message=ChunkMessage(run_id=run_id, chunk=0),
                receives=1,
                owner="lambda:test-0",
                limits=limits,
            )
        assert fake.stats.calls == 0
    assert verdict.outcome == "skipped" and verdict.written == 0
    assert racing.claimed == 4
    assert states(database_url, run_id) == {"cancelled": 4}


async def in_flight_then_cancel(
    database_url: str,
    run_id: uuid.UUID,
    fake: FakeOpenRouter,
    execute: Callable[[], Awaitable[Any]],
) -> tuple[Any, int]:
    """Start `execute`, cancel through the API once two calls are in flight, let it end;
    returns what it returned and how many calls the fake had seen when the cancel committed."""
    task = asyncio.create_task(execute())
    await until(lambda: fake.stats.in_flight == 2, "two calls are in flight")
    await asyncio.to_thread(cancel_through_the_api, database_url, run_id)
    calls_at_cancel = fake.stats.calls
    return await asyncio.wait_for(task, timeout=30), calls_at_cancel


def assert_in_flight_calls_kept(database_url: str, run_id: uuid.UUID, calls: int) -> None:
    """The calls the fake answered are stored, their cells done, every cell counted once, and
    the kept report is the one a read computes, with their cost."""
    results = rows(
        database_url, "select count(*), coalesce(sum(cost), 0) from results where run_id = %s",
        run_id,
    )  # fmt: skip
    assert results[0][0] == calls == 2
    assert states(database_url, run_id) == {"done": 2, "cancelled": 18}
    assert cancelled_with_a_result(database_url, run_id) == 0
    report = kept(database_url, run_id)
    assert report is not None and report == fresh(database_url, run_id)
    assert report["progress"]["counts"] == {"done": 2, "cancelled": 18}
    assert report["progress"]["cost"] == pytest.approx(float(results[0][1])) and results[0][1] > 0
    assert [r["pending"] for r in report["rows"]] == [0]


async def test_calls_in_flight_when_the_local_run_is_cancelled_are_stored(
    database_url: str,
) -> None:
    with FakeOpenRouter(latency_ms=400, api_key=KEY) as fake:
        async with engine(database_url) as e:
            run_id = await create_run(e.store, suite(fake.base_url, cases=20), chunk_size=10)
            final, at_cancel = await in_flight_then_cancel(
                database_url,
                run_id,
                fake,
                lambda: e.runner.execute(run_id, options(concurrency=2, chunk_size=10)),
            )
        calls = fake.stats.calls
    assert calls == at_cancel == 2  # no call started after the cancel committed
    assert final.done == 2 and final.cancelled == 18 and final.total == 20
    assert_in_flight_calls_kept(database_url, run_id, calls)


async def test_calls_in_flight_when_a_worker_sees_the_cancel_are_stored(
    database_url: str,
) -> None:
    limits = WorkerLimits(budget_s=30, lease_s=30, watch_s=0.05)
    with FakeOpenRouter(latency_ms=400, api_key=KEY) as fake:
        async with engine(database_url) as e:
            s = suite(fake.base_url, cases=20)
            run_id = await create_run(e.store, s, chunk_size=20, concurrency=2)
            await e.store.set_status(run_id, "running")
            verdict, at_cancel = await in_flight_then_cancel(
                database_url,
                run_id,
                fake,
                lambda: work_on_chunk(
                    store=e.store,
                    llm=e.runner.llm,
                    clock=SystemClock(),
                    message=ChunkMessage(run_id=run_id, chunk=0),
                    receives=1,
                    owner="lambda:test-0",
                    limits=limits,
                ),
            )
        calls = fake.stats.calls
    assert calls == at_cancel == 2  # no call started after the cancel committed
    assert verdict.outcome == "skipped" and verdict.written == 2
    assert_in_flight_calls_kept(database_url, run_id, calls)


async def test_a_refresh_for_results_the_kept_report_includes_computes_nothing(
    database_url: str,
) -> None:
    async with engine(database_url) as e:
        run_id = await create_run(e.store, suite(UNREACHABLE, cases=3), chunk_size=3)
        ws = await workspace_of(e, run_id)
        leased = await e.store.claim_chunk(run_id, 0, owner="lambda:w1", lease_s=60)
        cancel_through_the_api(database_url, run_id)
        await e.store.write_outcomes(run_id, ws, [answered(leased[0], 0.5, True)])
        ((at,),) = rows(database_url, "select summary_at from runs where id = %s", run_id)
        pool = e.store._pool
        # the writer of a result committed before that report was computed: nothing to redo
        assert not await refresh_finished_summary(pool, run_id, since=at - timedelta(seconds=1))
        assert rows(database_url, "select summary_at from runs where id = %s", run_id) == [(at,)]
        # one committed after it: computed again
        ((now,),) = rows(database_url, "select clock_timestamp()")
        assert await refresh_finished_summary(pool, run_id, since=now)
        ((again,),) = rows(database_url, "select summary_at from runs where id = %s", run_id)
    assert again >= now > at
    assert kept(database_url, run_id) == fresh(database_url, run_id)


REPAIR = "20261127221500_cells_follow_their_results.sql"


async def test_the_repair_migration_settles_cells_cancelled_with_a_stored_result(
    blank_database_url: str, tmp_path: Path
) -> None:
    before = tmp_path / "migrations"
    before.mkdir()
    for path in default_directory().glob("*.sql"):
        if path.name != REPAIR:
            shutil.copy(path, before / path.name)
    migrate(blank_database_url, directory=before)
    url = blank_database_url
    async with engine(url) as e:
        run_id = await create_run(e.store, suite(UNREACHABLE, cases=3), chunk_size=3)
    cancel_through_the_api(url, run_id)
    with psycopg.connect(url) as conn:  # what a late write stored before the fix
        conn.execute(
            "insert into results (cell_id, workspace_id, run_id, output, passed, score, cost) "
            "select id, workspace_id, run_id, 'late', true, 1, 0.5 from cells "
            "where run_id = %s and case_position = 0",
            (run_id,),
        )
        conn.execute(
            'update runs set summary = \'{"progress": {}, "rows": []}\' where id = %s',
            (run_id,),
        )
    assert cancelled_with_a_result(url, run_id) == 1
    shutil.copy(default_directory() / REPAIR, before / REPAIR)
    assert migrate(url, directory=before) == [REPAIR.split("_", 1)[0]]
    assert cancelled_with_a_result(url, run_id) == 0
    assert states(url, run_id) == {"done": 1, "cancelled": 2}
    assert kept(url, run_id) is None  # the next read computes it from the repaired cells
    assert fresh(url, run_id)["progress"]["counts"] == {"done": 1, "cancelled": 2}
