"""The local run executor of `assay up`: start, stop at once, and resume after a shutdown."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

import psycopg
import pytest

from assay.adapters.local_launcher import LocalLauncher
from assay.usecases.runs import create_run
from fakes.openrouter import FakeOpenRouter
from integration.engine_support import engine, suite

DEADLINE_S = 60.0


@pytest.fixture(autouse=True)
def _fake_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_OPENROUTER_KEY", "sk-fake")


def _stored_run(database_url: str, base_url: str, cases: int) -> uuid.UUID:
    async def store() -> uuid.UUID:
        async with engine(database_url) as e:
            return await create_run(e.store, suite(base_url, cases=cases), concurrency=2)

    return asyncio.run(store())


def _status(database_url: str, run_id: uuid.UUID) -> str:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select status from runs where id = %s", (run_id,)).fetchone()
    assert row is not None
    return str(row[0])


def _wait(what: str, check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_started_run_completes(database_url: str) -> None:
    with FakeOpenRouter(latency_ms=1) as fake:
        run_id = _stored_run(database_url, fake.base_url, cases=6)
        launcher = LocalLauncher(database_url)
        launcher.open(resume=False)
        try:
            assert asyncio.run(launcher.start(run_id)) == f"local:{run_id}"
            _wait("completion", lambda: _status(database_url, run_id) == "completed")
            assert fake.stats.calls == 6
        finally:
            launcher.close()


def test_stop_cancels_and_stops_calling_models(database_url: str) -> None:
    with FakeOpenRouter(latency_ms=100) as fake:
        run_id = _stored_run(database_url, fake.base_url, cases=200)
        launcher = LocalLauncher(database_url)
        launcher.open(resume=False)
        try:
            launcher.submit(run_id)
            _wait("first calls", lambda: fake.stats.calls > 2)
            asyncio.run(launcher.stop(run_id, "test"))
            _wait("the runner to let go", lambda: run_id not in launcher.active())
            assert _status(database_url, run_id) == "cancelled"
            calls = fake.stats.calls
            time.sleep(0.5)
            assert fake.stats.calls == calls < 200
        finally:
            launcher.close()


def test_shutdown_leaves_runs_queued_and_the_next_start_resumes_them(database_url: str) -> None:
    with FakeOpenRouter(latency_ms=50) as fake:
        run_id = _stored_run(database_url, fake.base_url, cases=60)
        first = LocalLauncher(database_url)
        first.open(resume=False)
        first.submit(run_id)
        _wait("first calls", lambda: fake.stats.calls > 2)
        first.close()
        assert _status(database_url, run_id) == "queued"
        assert fake.stats.calls < 60

        second = LocalLauncher(database_url)
        second.open(resume=True)
        try:
            _wait("resumed completion", lambda: _status(database_url, run_id) == "completed")
        finally:
            second.close()
        with psycopg.connect(database_url) as conn:
            done = conn.execute(
                "select count(*) from results where run_id = %s", (run_id,)
            ).fetchone()
        assert done == (60,)
