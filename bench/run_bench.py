"""Engine benchmark: N cases × 2 models through `assay run` against the fake OpenRouter.

Prints, per scenario: wall time against the ideal, evaluations per second, peak RSS of the
`assay` process, errored cells and what the fake served. The fake runs in its own process so
it does not share the engine's core. Needs PostgreSQL (BENCH_DATABASE_URL, default the local
server on 127.0.0.1:5432); each scenario gets a fresh database.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
MODELS = ("openai/gpt-4o-mini", "anthropic/claude-3.5-haiku")


def start_fake(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openrouter", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def fake_stats(base_url: str) -> dict[str, object]:
    with urllib.request.urlopen(
        f"{base_url.removesuffix('/api/v1')}/_fake/stats", timeout=10
    ) as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


def write_suite(directory: Path, cases: int) -> Path:
    with (directory / "cases.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["question", "__expected"])
        for i in range(cases):
            writer.writerow([f"What is item {i}?", f"contains: item {i}"])
    config = directory / "promptfooconfig.yaml"
    config.write_text(
        "description: engine benchmark\n"
        "prompts:\n  - 'Answer briefly: {{ question }}'\n"
        "providers:\n"
        + "".join(f"  - openrouter:{m}\n" for m in MODELS)
        + "tests: file://cases.csv\n"
    )
    return config


def fresh_database(server_url: str) -> str:
    name = f"assay_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


def drop_database(server_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def run_assay(
    config: Path, env: dict[str, str], concurrency: int, out: Path
) -> tuple[float, int, int]:
    cmd = [
        str(ROOT / ".venv/bin/assay"),
        "run",
        str(config),
        "-j",
        str(concurrency),
        "--no-cache",
        "--no-progress",
        "-o",
        str(out),
    ]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 100):
        assert proc.stderr is not None
        sys.exit(f"assay failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss // 1024, proc.returncode


def scenario(
    name: str,
    fake_args: list[str],
    *,
    cases: int,
    concurrency: int,
    latency_ms: float,
    server_url: str,
    workdir: Path,
    ideal_s: float,
) -> dict[str, object]:
    fake, base_url = start_fake(["--latency-ms", str(latency_ms), *fake_args])
    db = fresh_database(server_url)
    try:
        config = write_suite(workdir, cases)
        env = {
            **os.environ,
            "DATABASE_URL": db,
            "OPENROUTER_BASE_URL": base_url,
            "OPENROUTER_API_KEY": "sk-bench",
        }
        wall, rss_mb, code = run_assay(config, env, concurrency, workdir / "results.jsonl")
        stats = fake_stats(base_url)
        with psycopg.connect(db) as conn:
            row = conn.execute(
                "select count(*) filter (where results.error is not null), count(*), "
                "extract(epoch from max(r.finished_at - r.started_at)) "
                "from results join runs r on r.id = results.run_id"
            ).fetchone()
        assert row is not None
        errored, results, engine_s = row
    finally:
        fake.terminate()
        fake.wait(timeout=10)
        drop_database(server_url, db)
    calls = cases * len(MODELS)
    return {
        "scenario": name,
        "cells": calls,
        "results": results,
        "errored": errored,
        "wall_s": round(wall, 2),
        "engine_s": round(float(engine_s), 2),
        "ideal_s": round(ideal_s, 2),
        "wall_over_ideal": round(wall / ideal_s, 2),
        "evals_per_s": round(calls / wall, 1),
        "peak_rss_mb": rss_mb,
        "exit": code,
        "fake_calls": stats["calls"],
        "served_429": stats["served_429"],
        "served_5xx": stats["served_5xx"],
        "served_error_in_200": stats["served_error_in_200"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("-j", "--concurrency", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--rate-limit", type=int, default=100, help="requests/s per model")
    parser.add_argument(
        "--only", choices=("clean", "flaky", "storm429", "ratelimited"), action="append"
    )
    args = parser.parse_args()
    server_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    calls = args.cases * len(MODELS)
    # The ideal: calls × latency ÷ 50 in flight. Assay's -j is per model, so two
    # models at -j 50 may keep 100 calls in flight; both ideals are printed.
    ideal = calls * args.latency_ms / 1000 / args.concurrency
    plans = {
        "clean": ([], ideal),
        # 5 % of calls fail transiently: 502/503 answers and errors inside a 200
        "flaky": (["--fail-rate-5xx", "0.025", "--fail-rate-error-in-200", "0.025"], ideal),
        # 2 % of calls answer 429 with Retry-After 0.2 s: each one pauses its model's lane
        "storm429": (["--fail-rate-429", "0.02", "--retry-after-s", "0.2"], ideal),
        "ratelimited": (["--rate-limit", f"*={args.rate_limit}"], args.cases / args.rate_limit),
    }
    workdir = ROOT / "bench" / "out"
    workdir.mkdir(parents=True, exist_ok=True)
    for name in args.only or list(plans):
        fake_args, ideal_s = plans[name]
        result = scenario(
            name,
            fake_args,
            cases=args.cases,
            concurrency=args.concurrency,
            latency_ms=args.latency_ms,
            server_url=server_url,
            workdir=workdir,
            ideal_s=ideal_s,
        )
        result["ideal_s_at_j_per_model"] = (
            round(ideal / len(MODELS), 2) if name != "ratelimited" else ideal_s
        )
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
