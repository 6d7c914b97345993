"""A run killed mid-way (or stopped with Ctrl-C) resumes to exactly one result per cell."""

from __future__ import annotations

import math
import re
import signal
import time
from pathlib import Path

import psycopg

from assay.usecases.sink import FLUSH_INTERVAL_S
from e2e.cli_support import assay, assay_env, assay_popen, write_config
from fakes.openrouter import FakeOpenRouter

CELLS = 120
CONCURRENCY = 4
LATENCY_S = 0.04
# A kill -9 loses what was in flight and what waited for the next batch write; those cells
# are called again on resume. Nothing else may be paid twice.
REPAID_AT_MOST = CONCURRENCY + math.ceil(CONCURRENCY / LATENCY_S * FLUSH_INTERVAL_S) + 2


def _count(database_url: str, sql: str, *args: object) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(sql, args).fetchone()
    assert row is not None
    return int(row[0])


def _start_and_stop(database_url: str, tmp_path: Path, base_url: str, sig: int) -> str:
    config = write_config(tmp_path, cases=CELLS)
    env = assay_env(database_url, base_url)
    proc = assay_popen(
        "run", config, "-j", str(CONCURRENCY), "--no-progress", env=env, cwd=tmp_path
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _count(database_url, "select count(*) from results") >= 10:
            break
        time.sleep(0.05)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    match = re.search(r"run ([0-9a-f-]{36})", out)
    assert match, out + err
    return match.group(1)


def _resume_and_check(database_url: str, tmp_path: Path, base_url: str, run_id: str) -> None:
    done_before = _count(database_url, "select count(*) from results where run_id = %s", run_id)
    assert 0 < done_before < CELLS
    result = assay(
        "run",
        "--resume",
        run_id,
        "--no-progress",
        env=assay_env(database_url, base_url),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert _count(database_url, "select count(*) from results where run_id = %s", run_id) == CELLS
    assert (
        _count(
            database_url, "select count(*) from cells where run_id = %s and state <> 'done'", run_id
        )
        == 0
    )
    assert (
        _count(
            database_url, "select count(*) from runs where id = %s and status = 'completed'", run_id
        )
        == 1
    )


def test_killed_run_resumes_with_one_result_per_cell(database_url: str, tmp_path: Path) -> None:
    with FakeOpenRouter(latency_ms=LATENCY_S * 1000) as fake:
        run_id = _start_and_stop(database_url, tmp_path, fake.base_url, signal.SIGKILL)
        leased = _count(
            database_url,
            "select count(*) from cells where run_id = %s and state = 'leased'",
            run_id,
        )
        assert leased > 0  # the kill left live leases behind
        _resume_and_check(database_url, tmp_path, fake.base_url, run_id)
        assert fake.stats.calls <= CELLS + REPAID_AT_MOST


def test_ctrl_c_stops_cleanly_and_resumes(database_url: str, tmp_path: Path) -> None:
    with FakeOpenRouter(latency_ms=LATENCY_S * 1000) as fake:
        run_id = _start_and_stop(database_url, tmp_path, fake.base_url, signal.SIGINT)
        assert (
            _count(
                database_url,
                "select count(*) from cells where run_id = %s and state = 'leased'",
                run_id,
            )
            == 0
        )
        assert (
            _count(
                database_url,
                "select count(*) from runs where id = %s and status = 'cancelled'",
                run_id,
            )
            == 1
        )
        _resume_and_check(database_url, tmp_path, fake.base_url, run_id)
        assert fake.stats.calls <= CELLS + CONCURRENCY  # a clean stop stores every answer it got
