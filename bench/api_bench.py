"""Results paging and run comparison at scale, through the API resolver on real Postgres.

Seeds 1,000,000 result rows into a dedicated database (default `assay_bench` on the server of
`ASSAY_TEST_DATABASE_URL`, else postgresql://postgres@127.0.0.1:5432), then times results pages
(100 rows) under several filters and the comparison of two 50,000-cell runs, acting as role
`authenticated` under Row Level Security exactly as requests do.

    .venv/bin/python bench/api_bench.py [--keep]
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
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from api.resources_support import Client, Tenant, build_test_app, make_tenant, services
from assay.adapters.postgres.migrations import migrate
from assay.http.schemas.common import encode_cursor

SERVER = os.environ.get("ASSAY_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DBNAME = "assay_bench"
CASES, PROVIDERS = 1000, 5
# big run: 1000 cases x 2 prompts x 5 models x 90 repeats = 900,000; two runs of 50,000 each
BIG = {"prompts": 2, "repeats": 90}
SMALL = {"prompts": 1, "repeats": 10}

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


def seed(url: str) -> dict[str, Any]:
    migrate(url)
    tenant = make_tenant(url, "bench")
    ws = tenant.workspace_id
    with psycopg.connect(url, autocommit=True) as conn:
        ts, version = uuid.uuid4(), uuid.uuid4()
        conn.execute(
            "insert into test_sets (id, workspace_id, name) values (%s, %s, 'bench')", (ts, ws)
        )
        conn.execute(
            "insert into test_cases (workspace_id, test_set_id, content_hash, body) "
            "select %s, %s, md5(i::text), jsonb_build_object('vars', jsonb_build_object('q', "
            "'question ' || i)) from generate_series(0, %s - 1) i",
            (ws, ts, CASES),
        )
        conn.execute(
            "insert into test_set_versions (id, workspace_id, test_set_id, version, content_hash, "
            "case_count) values (%s, %s, %s, 1, 'v1', %s)",
            (version, ws, ts, CASES),
        )
        conn.execute(
            "insert into test_set_version_cases (test_set_version_id, position, test_case_id, "
            "workspace_id) select %s, (row_number() over (order by content_hash))::int - 1, id, "
            "%s from test_cases where test_set_id = %s",
            (version, ws, ts),
        )
        runs = {}
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
                "nc": CASES,
                "pass": pass_rate,
                "total": CASES * shape["prompts"] * PROVIDERS * shape["repeats"],
            }
            for statement in SEED_RUN.split(";\n"):
                if statement.strip():
                    conn.execute(statement.encode(), params)
            runs[name] = run
        conn.execute("vacuum analyze")
        total = conn.execute("select count(*) from results").fetchone()
    print(f"seeded {total[0] if total else 0:,} result rows", flush=True)
    return {"tenant": tenant, "runs": runs}


def reuse(url: str) -> dict[str, Any]:
    """The tenant and runs of a kept bench database."""
    with psycopg.connect(url) as conn:
        member = conn.execute("select user_id, workspace_id from members").fetchone()
        runs = dict(conn.execute("select name, id from runs").fetchall())
    assert member is not None
    return {"tenant": Tenant(member[0], member[1]), "runs": runs}


def timed(client: Client, path: str, query: dict[str, Any]) -> float:
    start = time.perf_counter()
    answer = client.get(path, query=query)
    elapsed = (time.perf_counter() - start) * 1000
    assert answer.status == 200, answer.body
    return elapsed


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


print = functools.partial(print, flush=True)  # progress shows as it happens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept bench database")
    args = parser.parse_args()
    url = SERVER.rsplit("/", 1)[0] + "/" + DBNAME
    if not args.reuse:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f"drop database if exists {DBNAME} with (force)")
            admin.execute(f"create database {DBNAME}")
    try:
        started = time.perf_counter()
        world = reuse(url) if args.reuse else seed(url)
        print(f"seeding took {time.perf_counter() - started:.1f} s", flush=True)
        # requests share pooled connections, as the API's services do
        pool = ConnectionPool(url, min_size=1, max_size=2, kwargs={"prepare_threshold": None})
        app = build_test_app(url, {"bench": world["tenant"]}, services(), pool=pool)
        client = Client(app, "bench")
        big = world["runs"]["big"]
        path = f"/v1/runs/{big}/results"
        filters: dict[str, dict[str, Any]] = {
            "no filter": {}, "model": {"provider": "model 3"}, "prompt": {"prompt": "prompt 1"},
            "failed": {"status": "failed"}, "error": {"status": "error"},
            "passed + model": {"status": "passed", "provider": "model 1"},
            "text (rare)": {"q": "zebra"}, "text (common)": {"q": "answer"},
        }  # fmt: skip
        rng = random.Random(1)
        print(f"results page (100 rows) over a {900_000:,}-cell run, 40 requests each:")
        for label, query in filters.items():
            samples = []
            for i in range(40):
                cursor = None if i % 4 == 0 else encode_cursor([rng.randrange(CASES), 0, 0, 0])
                samples.append(timed(client, path, {**query, "limit": 100, "cursor": cursor}))
            print(
                f"  {label:<16} p50 {statistics.median(samples):6.1f} ms"
                f"   p95 {p95(samples):6.1f} ms"
            )
        head, base = world["runs"]["head"], world["runs"]["base"]
        cpath = f"/v1/runs/{head}/compare"
        for label, query in (("first page", {}), ("regressed only", {"change": "regressed"})):
            samples = [timed(client, cpath, {"base_run_id": str(base), **query}) for _ in range(10)]
            print(
                f"compare two 50,000-cell runs, {label}: p50 {statistics.median(samples):.0f} ms"
                f"   max {max(samples):.0f} ms"
            )
    finally:
        if not args.keep:
            with psycopg.connect(SERVER, autocommit=True) as admin:
                admin.execute(f"drop database if exists {DBNAME} with (force)")


if __name__ == "__main__":
    main()
