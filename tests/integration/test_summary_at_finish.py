"""A finished run keeps its report from the moment it finishes, whichever path finished it: the
local engine, the AWS workflow's steps, or a cancel through the API. A read then finds it kept."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from assay.adapters.postgres.database import async_pool
from assay.adapters.postgres.orchestration_store import PostgresRunTransitions
from assay.adapters.postgres.reports import PostgresRunReports
from assay.adapters.postgres.runs_repo import RunsRepo
from assay.usecases import orchestration as steps
from assay.usecases.calling import SystemClock
from assay.usecases.results import run_report
from assay.usecases.runs import create_run
from assay.usecases.worker import ChunkMessage, WorkerLimits, work_on_chunk
from fakes.openrouter import FakeOpenRouter
from integration.engine_support import engine, options, rows, suite

KEY = "sk-test-key"
WARNING = "run summary not kept at finish"


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_OPENROUTER_KEY", KEY)


def kept(database_url: str, run_id: uuid.UUID) -> dict[str, Any] | None:
    """The report kept on the run, as stored."""
    found = rows(database_url, "select summary from runs where id = %s", run_id)
    assert found, "no such run"
    return found[0][0]  # type: ignore[no-any-return]


def fresh(database_url: str, run_id: uuid.UUID) -> dict[str, Any]:
    """The report a read computes when nothing is kept (in a transaction rolled back)."""
    with psycopg.connect(database_url) as conn:
        found = conn.execute("select workspace_id from runs where id = %s", (run_id,)).fetchone()
        assert found is not None
        conn.execute("update runs set summary = null where id = %s", (run_id,))
        repo = RunsRepo(conn, found[0])
        progress, summary = run_report(
            runs=repo,
            run=repo.get(run_id),
            prompts=repo.prompts(run_id),
            providers=repo.providers(run_id),
        )
        conn.rollback()
    return dict(json.loads(json.dumps({"progress": progress, "rows": summary})))


def reference(database_url: str, run_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """Per pair counts from the export's own SQL, which joins cells to results."""
    return [
        (r.prompt_label, r.provider, r.cells, r.passed, r.failed, r.errors, r.pending)
        for r in PostgresRunReports(lambda: psycopg.connect(database_url)).summary(run_id)
    ]


def counted(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    keys = ("prompt_label", "provider", "cells", "passed", "failed", "errors", "pending")
    return [tuple(r[k] for k in keys) for r in report["rows"]]


@asynccontextmanager
async def workflow(database_url: str) -> AsyncIterator[PostgresRunTransitions]:
    """The status moves the orchestrator's Lambdas make, on their own pool."""
    pool = async_pool(database_url, min_size=1, max_size=2)
    await pool.open(wait=True)
    try:
        yield PostgresRunTransitions(pool)
    finally:
        await pool.close()


class RecordingQueue:
    """A chunk queue that keeps what was sent, for the test to deliver as SQS would."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send_chunks(self, run_id: uuid.UUID, chunks: Sequence[int]) -> int:
        self.sent.extend(chunks)
        return len(chunks)

    async def delay(self, receipt_handle: str, seconds: int) -> None:
        raise AssertionError("no delivery is deferred in these tests")


async def test_a_run_the_local_engine_completes_keeps_the_report_a_read_computes(
    database_url: str,
) -> None:
    with FakeOpenRouter(latency_ms=1, api_key=KEY) as fake:
        s = suite(fake.base_url, cases=10, models=("fake/model", "openai/gpt-4o-mini"), expect="d1")
        async with engine(database_url) as e:
            run_id = await create_run(e.store, s, chunk_size=5)
            assert kept(database_url, run_id) is None
            await e.runner.execute(run_id, options())
    assert rows(database_url, "select status from runs where id = %s", run_id) == [("completed",)]
    report = kept(database_url, run_id)  # no read has happened: finishing kept it
    assert report is not None
    assert report == fresh(database_url, run_id)
    assert report["progress"]["counts"] == {"done": 20}
    # "Say word1" is the only output containing "d1": one pass per model
    assert report["progress"]["passed"] == 2 and report["progress"]["cost"] > 0
    assert (
        counted(report)
        == reference(database_url, run_id)
        == [
            ("p1", "fake/model", 10, 1, 9, 0, 0),
            ("p1", "openai/gpt-4o-mini", 10, 1, 9, 0, 0),
        ]
    )
    assert all(r["p50"] is not None and r["prompt_tokens"] > 0 for r in report["rows"])


async def test_a_local_run_interrupted_midway_keeps_a_report_of_what_it_stored(
    database_url: str,
) -> None:
    with FakeOpenRouter(latency_ms=50, api_key=KEY) as fake:
        s = suite(fake.base_url, cases=100)
        async with engine(database_url) as e:
            run_id = await create_run(e.store, s, chunk_size=5)
            task = asyncio.create_task(e.runner.execute(run_id, options(concurrency=2)))
            deadline = time.monotonic() + 30
            while not rows(database_url, "select 1 from results where run_id = %s", run_id):
                assert time.monotonic() < deadline, "no result was stored"
                await asyncio.sleep(0.02)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
    status = rows(database_url, "select status, error from runs where id = %s", run_id)
    assert status == [("cancelled", "interrupted")]
    report = kept(database_url, run_id)
    assert report is not None and report == fresh(database_url, run_id)
    counts = report["progress"]["counts"]
    assert counts.get("done", 0) >= 1 and counts.get("pending", 0) >= 1
    assert sum(counts.values()) == 100
    assert counted(report) == reference(database_url, run_id)


async def test_the_workflow_steps_keep_the_report_when_finalize_completes_the_run(
    database_url: str,
) -> None:
    queue = RecordingQueue()
    limits = WorkerLimits(budget_s=30, lease_s=30)
    with FakeOpenRouter(latency_ms=1, api_key=KEY) as fake:
        s = suite(fake.base_url, cases=6, models=("fake/model", "openai/gpt-4o-mini"), expect="d2")
        async with engine(database_url) as e, workflow(database_url) as transitions:
            run_id = await create_run(e.store, s, chunk_size=3)
            await steps.plan_run(store=e.store, transitions=transitions, run_id=run_id)
            await steps.enqueue_chunks(store=e.store, queue=queue, run_id=run_id)
            assert queue.sent
            for chunk in queue.sent:  # the workers, one delivery per message
                verdict = await work_on_chunk(
                    store=e.store,
                    llm=e.runner.llm,
                    clock=SystemClock(),
                    message=ChunkMessage(run_id=run_id, chunk=chunk),
                    receives=1,
                    owner=f"lambda:test-{chunk}",
                    limits=limits,
                )
                assert verdict.outcome == "done"
            checked = await steps.check_progress(store=e.store, run_id=run_id)
            assert checked.finished and kept(database_url, run_id) is None
            final = await steps.finalize_run(store=e.store, transitions=transitions, run_id=run_id)
            assert final.status == "completed"
            report = kept(database_url, run_id)
            assert report is not None and report == fresh(database_url, run_id)
            (at,) = rows(database_url, "select summary_at from runs where id = %s", run_id)[0]
            # a retried FinalizeRun finds the report kept and leaves it
            await steps.finalize_run(store=e.store, transitions=transitions, run_id=run_id)
    assert rows(database_url, "select summary_at from runs where id = %s", run_id) == [(at,)]
    assert report["progress"]["counts"] == {"done": 12} and report["progress"]["passed"] == 2
    assert (
        counted(report)
        == reference(database_url, run_id)
        == [
            ("p1", "fake/model", 6, 1, 5, 0, 0),
            ("p1", "openai/gpt-4o-mini", 6, 1, 5, 0, 0),
        ]
    )


async def test_a_run_the_workflow_marks_failed_keeps_its_report(database_url: str) -> None:
    async with engine(database_url) as e, workflow(database_url) as transitions:
        run_id = await create_run(e.store, suite("http://127.0.0.1:9", cases=4), chunk_size=2)
        await steps.plan_run(store=e.store, transitions=transitions, run_id=run_id)
        failed = await steps.mark_run_failed(
            store=e.store, transitions=transitions, run_id=run_id, error="States.Timeout"
        )
    assert failed.status == "failed"
    report = kept(database_url, run_id)
    assert report is not None and report == fresh(database_url, run_id)
    assert report["progress"]["counts"] == {"pending": 4}
    assert [r["pending"] for r in report["rows"]] == [4]


async def test_cancelling_through_the_api_repository_keeps_the_report_in_its_transaction(
    database_url: str,
) -> None:
    async with engine(database_url) as e:
        run_id = await create_run(e.store, suite("http://127.0.0.1:9", cases=3), chunk_size=2)
    with psycopg.connect(database_url) as conn, conn.transaction():
        found = conn.execute("select workspace_id from runs where id = %s", (run_id,)).fetchone()
        assert found is not None
        RunsRepo(conn, found[0]).cancel(run_id)
    report = kept(database_url, run_id)
    assert report is not None and report == fresh(database_url, run_id)
    assert report["progress"]["counts"] == {"cancelled": 3}


async def test_a_report_that_cannot_be_computed_leaves_the_run_finished_for_a_read_to_retry(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with engine(database_url) as e:
        run_id = await create_run(e.store, suite("http://127.0.0.1:9", cases=2), chunk_size=2)
        body = rows(database_url, "select body from run_prompts where run_id = %s", run_id)
        with psycopg.connect(database_url) as conn:  # no label left for the cells' prompt
            conn.execute("delete from run_prompts where run_id = %s", (run_id,))
        with caplog.at_level(logging.WARNING, logger="assay.adapters.postgres.runs_repo"):
            await e.store.set_status(run_id, "failed", "boom")  # as LocalRunner stops a run
    assert rows(database_url, "select status from runs where id = %s", run_id) == [("failed",)]
    assert kept(database_url, run_id) is None
    assert [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]
    assert all(r.levelno == logging.WARNING for r in caplog.records if WARNING in r.getMessage())
    with psycopg.connect(database_url) as conn:  # repaired: the first read computes and keeps it
        conn.execute(
            "insert into run_prompts (run_id, position, workspace_id, label, body) "
            "select %s, 0, workspace_id, 'p1', %s from runs where id = %s",
            (run_id, Jsonb(body[0][0]), run_id),
        )
    report = fresh(database_url, run_id)
    assert report["progress"]["counts"] == {"pending": 2}
    with psycopg.connect(database_url) as conn:
        ws = conn.execute("select workspace_id from runs where id = %s", (run_id,)).fetchone()
        assert ws is not None
        repo = RunsRepo(conn, ws[0])
        run_report(
            runs=repo, run=repo.get(run_id), prompts=repo.prompts(run_id),
            providers=repo.providers(run_id),
        )  # fmt: skip
    assert kept(database_url, run_id) == report


async def test_a_report_the_database_refuses_leaves_the_api_cancel_transaction_usable(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with engine(database_url) as e:
        run_id = await create_run(e.store, suite("http://127.0.0.1:9", cases=2), chunk_size=2)
    with psycopg.connect(database_url) as conn, conn.transaction():
        # a NaN mean score cannot be written as JSON: storing the report fails in Postgres
        conn.execute(
            "insert into results (cell_id, workspace_id, run_id, output, passed, score) "
            "select id, workspace_id, run_id, 'x', true, 'NaN' from cells where run_id = %s "
            "and case_position = 0",
            (run_id,),
        )
        found = conn.execute("select workspace_id from runs where id = %s", (run_id,)).fetchone()
        assert found is not None
        with caplog.at_level(logging.WARNING, logger="assay.adapters.postgres.runs_repo"):
            RunsRepo(conn, found[0]).cancel(run_id)
        # only the savepoint was rolled back: the transaction goes on and the cancel commits
        conn.execute("select 1")
    assert rows(database_url, "select status from runs where id = %s", run_id) == [("cancelled",)]
    assert kept(database_url, run_id) is None
    assert any(WARNING in r.getMessage() for r in caplog.records)
