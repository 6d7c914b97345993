"""Results paging and run comparison at scale, through the real API on real Postgres.

Seeds result rows into a dedicated database (default `assay_bench` on the server of
`ASSAY_TEST_DATABASE_URL`, else postgresql://postgres@127.0.0.1:5432), then times results pages
(100 rows) under several filters and the comparison of two runs. Requests are API Gateway v2
events to the production Lambda entry point (`services/api/handler.py`: `build_app` over the
services it reads from the environment), with HS256 tokens signed by a test secret, so each one
passes the real auth middleware, guards and Row Level Security as a production request does.

Rows: cases x 5 models x (2 prompts x 90 repeats + two runs of 10 repeats); the default 1,000
cases give 1,000,000 result rows (a 900,000-cell run and two 50,000-cell runs).

    .venv/bin/python bench/api_bench.py [--cases N] [--keep | --reuse]
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # api.*: test helpers
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # services.api: the Lambda

from services.api import handler

from api.conftest import JWT_SECRET, mint_hs256
from api.platform_world import Answer, LambdaTransport
from assay.adapters.postgres.migrations import migrate
from assay.http.schemas.common import encode_cursor
from assay.settings import load_settings

SERVER = os.environ.get("ASSAY_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DBNAME = "assay_bench"
CASES, PROVIDERS = 1000, 5
# big run: cases x 2 prompts x 5 models x 90 repeats; base and head: cases x 5 x 10 each
BIG = {"prompts": 2, "repeats": 90}
SMALL = {"prompts": 1, "repeats": 10}
# The Lambda's environment: its database, the project's JWT secret, no executor, no JWKS.
UNSET = ("SUPABASE_URL", "STATE_MACHINE_ARN", "DATABASE_URL_SECRET_ARN")


def cells(cases: int, shape: dict[str, int]) -> int:
    """Cells (one result each) of a run of `shape` over `cases` cases."""
    return cases * shape["prompts"] * PROVIDERS * shape["repeats"]


class Caller:
    """A user calling the Lambda handler with a real HS256 bearer token (None: no token)."""

    def __init__(self, user_id: uuid.UUID | None) -> None:
        token = mint_hs256(user_id, expires_in=24 * 3600) if user_id else None
        self.headers = {"authorization": f"Bearer {token}"} if token else {}
        self.transport = LambdaTransport(SimpleNamespace(resolve=handler.lambda_handler))

    def get(self, path: str, query: dict[str, Any] | None = None) -> Answer:
        params = {k: str(v) for k, v in (query or {}).items() if v is not None}
        return self.transport.send("GET", path, self.headers, None, params)


def lambda_environment(url: str) -> None:
    """Configure this process as the API Lambda is configured (template.yaml) for `url`."""
    for name in UNSET:
        os.environ.pop(name, None)
    os.environ["DATABASE_URL"] = url
    os.environ["SUPABASE_JWT_SECRET"] = JWT_SECRET
    load_settings.cache_clear()
    handler.application.cache_clear()


SEED_RUN = """
insert into runs (id, workspace_id, name, status, test_set_version_id, spec, total_cells)
values (%(run)s, %(ws)s, %(name)s, 'completed', %(version)s, '{}', %(total)s);
insert into run_prompts (run_id, position, workspace_id, label, body)
select %(run)s, p, %(ws)s, 'prompt ' || p, '{"text": "{{ q }}"}'
from generate_series(0, %(np)s - 1) p;
insert into run_providers (run_id, position, workspace_id, label, provider)
select %(run)s, m, %(ws)s, 'model ' || m,
       jsonb_build_object('id', 'local:echo', 'params', '{}'::jsonb)
from generate_series(0, %(nm)s - 1) m;
insert into cells (id, workspace_id, run_id, chunk, case_position, test_case_id, prompt_position,
                   provider_position, repeat, state)
select gen_random_uuid(), %(ws)s, %(run)s, 0, c, vc.test_case_id, p, m, r, 'done'
from generate_series(0, %(nc)s - 1) c
join test_set_version_cases vc on vc.test_set_version_id = %(version)s and vc.position = c
cross join generate_series(0, %(np)s - 1) p cross join generate_series(0, %(nm)s - 1) m
cross join generate_series(0, %(nr)s - 1) r;
insert into results (cell_id, workspace_id, run_id, output, passed, score, error, cost,
                     latency_ms, prompt_tokens, completion_tokens, total_tokens)
select id, %(ws)s, %(run)s,
  case when random() < 0.001 then 'a zebra answer ' else 'answer ' end || md5(id::text),
  case when e then null else random() < %(pass)s end, random(),
  case when e then 'provider_transient: 503' end, 0.0001, 100 + random() * 900, 10, 20, 30
from (select id, random() < 0.01 as e from cells where run_id = %(run)s) s;
"""


def seed(url: str, caller: Caller, cases: int) -> dict[str, uuid.UUID]:
    """The caller's personal workspace (made by the API) filled as the owner; the runs by name."""
    me = caller.get("/v1/me")
    assert me.status == 200, me.body
    ws = uuid.UUID(me.json["workspace_id"])
    with psycopg.connect(url, autocommit=True) as conn:
        ts, version = uuid.uuid4(), uuid.uuid4()
        conn.execute(
            "insert into test_sets (id, workspace_id, name) values (%s, %s, 'bench')", (ts, ws)
        )
        conn.execute(
            "insert into test_cases (workspace_id, test_set_id, content_hash, body) "
            "select %s, %s, md5(i::text), jsonb_build_object('vars', jsonb_build_object('q', "
            "'question ' || i)) from generate_series(0, %s - 1) i",
            (ws, ts, cases),
        )
        conn.execute(
            "insert into test_set_versions (id, workspace_id, test_set_id, version, content_hash, "
            "case_count) values (%s, %s, %s, 1, 'v1', %s)",
            (version, ws, ts, cases),
        )
        conn.execute(
            "insert into test_set_version_cases (test_set_version_id, position, test_case_id, "
            "workspace_id) select %s, (row_number() over (order by content_hash))::int - 1, id, "
            "%s from test_cases where test_set_id = %s",
            (version, ws, ts),
        )
        runs: dict[str, uuid.UUID] = {}
        for name, shape, pass_rate in (
            ("big", BIG, 0.7),
            ("base", SMALL, 0.7),
            ("head", SMALL, 0.75),
        ):
            run = uuid.uuid4()
            params = {
                "run": run,
                "ws": ws,
                "name": name,
                "version": version,
                "np": shape["prompts"],
                "nm": PROVIDERS,
                "nr": shape["repeats"],
                "nc": cases,
                "pass": pass_rate,
                "total": cells(cases, shape),
            }
            for statement in SEED_RUN.split(";\n"):
                if statement.strip():
                    conn.execute(statement.encode(), params)
            runs[name] = run
        conn.execute("vacuum analyze")
        total = conn.execute("select count(*) from results").fetchone()
    print(f"seeded {total[0] if total else 0:,} result rows")
    return runs


def kept(url: str) -> tuple[uuid.UUID, int, dict[str, uuid.UUID]]:
    """The user, case count and runs of a kept bench database."""
    with psycopg.connect(url) as conn:
        owner = conn.execute("select owner_id from workspaces where personal").fetchone()
        size = conn.execute("select case_count from test_set_versions").fetchone()
        runs: dict[str, uuid.UUID] = dict(conn.execute("select name, id from runs").fetchall())
    assert owner is not None and size is not None, "no kept bench database: run with --keep"
    return owner[0], int(size[0]), runs


def check(caller: Caller, runs: dict[str, uuid.UUID], cases: int) -> None:
    """The figures mean something: full pages for the owner, nothing for anyone else."""
    path = f"/v1/runs/{runs['big']}/results"
    page = caller.get(path, {"limit": 100})
    assert page.status == 200, page.body
    assert len(page.json["items"]) == min(100, cells(cases, BIG)), "RLS hid the seeded rows"
    compare = caller.get(f"/v1/runs/{runs['head']}/compare", {"base_run_id": str(runs["base"])})
    assert compare.status == 200, compare.body
    assert sum(compare.json["counts"].values()) == cells(cases, SMALL), compare.json["counts"]
    stranger = Caller(uuid.uuid4()).get(path, {"limit": 100})
    assert stranger.status == 404, f"another user read the run: {stranger.status}"
    anonymous = Caller(None).get(path)
    assert anonymous.status == 401, f"no token answered {anonymous.status}"


def timed(caller: Caller, path: str, query: dict[str, Any]) -> float:
    start = time.perf_counter()
    answer = caller.get(path, query)
    elapsed = (time.perf_counter() - start) * 1000
    assert answer.status == 200, answer.body
    return elapsed


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


print = functools.partial(print, flush=True)  # progress shows as it happens


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--cases", type=int, default=CASES,
        help=f"test cases (default {CASES}: 1,000,000 result rows; 10 gives 10,000)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept bench database")
    args = parser.parse_args()
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    url = SERVER.rsplit("/", 1)[0] + "/" + DBNAME
    if not args.reuse:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f"drop database if exists {DBNAME} with (force)")
            admin.execute(f"create database {DBNAME}")
    try:
        started = time.perf_counter()
        lambda_environment(url)
        if args.reuse:
            user, cases, runs = kept(url)
            caller = Caller(user)
        else:
            migrate(url)
            cases, caller = args.cases, Caller(uuid.uuid4())
            runs = seed(url, caller, cases)
        print(f"seeding took {time.perf_counter() - started:.1f} s")
        check(caller, runs, cases)
        path = f"/v1/runs/{runs['big']}/results"
        filters: dict[str, dict[str, Any]] = {
            "no filter": {}, "model": {"provider": "model 3"}, "prompt": {"prompt": "prompt 1"},
            "failed": {"status": "failed"}, "error": {"status": "error"},
            "passed + model": {"status": "passed", "provider": "model 1"},
            "text (rare)": {"q": "zebra"}, "text (common)": {"q": "answer"},
        }  # fmt: skip
        rng = random.Random(1)
        print(f"results page (100 rows) over a {cells(cases, BIG):,}-cell run, 40 requests each:")
        for label, query in filters.items():
            samples = []
            for i in range(40):
                cursor = None if i % 4 == 0 else encode_cursor([rng.randrange(cases), 0, 0, 0])
                samples.append(timed(caller, path, {**query, "limit": 100, "cursor": cursor}))
            print(
                f"  {label:<16} p50 {statistics.median(samples):6.1f} ms"
                f"   p95 {p95(samples):6.1f} ms"
            )
        cpath = f"/v1/runs/{runs['head']}/compare"
        small = f"{cells(cases, SMALL):,}"
        for label, query in (("first page", {}), ("regressed only", {"change": "regressed"})):
            base = {"base_run_id": str(runs["base"])}
            samples = [timed(caller, cpath, {**base, **query}) for _ in range(10)]
            print(
                f"compare two {small}-cell runs, {label}: p50 {statistics.median(samples):.0f} ms"
                f"   max {max(samples):.0f} ms"
            )
    finally:
        if not args.keep:
            with psycopg.connect(SERVER, autocommit=True) as admin:
                admin.execute(f"drop database if exists {DBNAME} with (force)")


if __name__ == "__main__":
    main()
