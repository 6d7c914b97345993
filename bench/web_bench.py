"""The dashboard on a finished 100,000-cell run, measured in Chromium.

Seeds the run straight into Postgres with COPY (10,000 cases × 2 prompts × 5 models; `--wide`:
200 cases × 2 prompts × 10 models × 100 repeats, 2,000 cells a row, 400,000 in all) as a
running run whose cells have all ended, then finishes it as the local engine does
(`PostgresRunStore.set_status`), which keeps its summary on the run; starts `assay up` on that
database, opens the run page in headless Chromium and reports: time until the summary and the first
screen of the grid show, frame times and long tasks while scrolling the grid to its last row, time
until the last row's cells show, time until the far corner (last row, last column, reached by
keyboard) shows, and the page's JS heap. `--unkept` seeds the run completed with no
summary kept, so the first view computes it (a run whose summary could not be kept at finish).

    .venv/bin/python bench/web_bench.py [--keep] [--unkept] [--wide]

Needs the built dashboard (`make web`), PostgreSQL (`ASSAY_TEST_DATABASE_URL`, else
postgresql://postgres@127.0.0.1:5432) and Debian's /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import psycopg
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from assay.adapters.postgres.database import async_pool  # noqa: E402
from assay.adapters.postgres.migrations import migrate  # noqa: E402
from assay.adapters.postgres.runs import PostgresRunStore  # noqa: E402
from browser.conftest import CHROMIUM, CHROMIUM_FLAGS, VIEWPORT  # noqa: E402
from browser.seeding import Shape, seed_run  # noqa: E402
from browser.servers import AssayUp  # noqa: E402

SERVER = os.environ.get("ASSAY_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DBNAME = "assay_web_bench"
SHAPES = {"tall": Shape(cases=10_000, prompts=2, models=5), "wide": Shape(200, 2, 10, 100)}

# Runs in the page before any script: long tasks and frame times are recorded from the start.
OBSERVE = """
window.__long = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__long.push(e.duration);
}).observe({ type: "longtask", buffered: true });
"""
FRAMES = """
async ([steps, pause]) => {
  const el = document.querySelector('[role=grid][aria-label=Results]');
  const frames = []; let last = performance.now(); let running = true;
  const tick = (t) => {
    frames.push(t - last); last = t; if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const longBefore = window.__long.length;
  for (let i = 1; i <= steps; i++) {
    el.scrollTop = (el.scrollHeight - el.clientHeight) * i / steps;
    await new Promise((r) => setTimeout(r, pause));
  }
  running = false;
  return { frames, long: window.__long.slice(longBefore) };
}
"""


def finish(url: str, run: str) -> float:
    """Mark the run completed as the local engine does, keeping its summary; the seconds it took.

    Before the database is vacuumed, as a run that just ended meets it.
    """

    async def complete() -> None:
        pool = async_pool(url, min_size=1, max_size=1)
        await pool.open(wait=True)
        try:
            await PostgresRunStore(pool).set_status(uuid.UUID(run), "completed")
        finally:
            await pool.close()

    started = time.perf_counter()
    asyncio.run(complete())
    spent = time.perf_counter() - started
    with psycopg.connect(url) as conn:
        kept = conn.execute("select summary is not null from runs where id = %s", (run,)).fetchone()
    if not (kept and kept[0]):
        raise SystemExit("finishing the run kept no summary (see the warning above)")
    return spent


def vacuum(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze")


def measure(page: Page, base: str, run: str, shape: Shape) -> dict[str, Any]:
    page.add_init_script(OBSERVE)
    start = time.perf_counter()
    page.goto(f"{base}/runs/{run}")
    page.get_by_role("table", name="Summary per prompt and model").wait_for()
    summary_s = time.perf_counter() - start
    page.locator(".results-row .cell-body").first.wait_for()
    grid_s = time.perf_counter() - start
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    before = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    scroll = page.evaluate(FRAMES, [40, 50])
    after = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    spent = {
        k: (after[k] - before[k]) * 1000
        for k in ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")
    }
    start = time.perf_counter()
    last_row = page.locator(".results-row", has_text=f"#{shape.cases}").locator(".cell-body").first
    last_row.wait_for()
    last_s = time.perf_counter() - start
    columns = shape.cells // shape.cases
    page.get_by_role("grid", name="Results").focus()
    start = time.perf_counter()
    page.keyboard.press("Control+End")
    page.keyboard.press("End")
    page.locator(f"#cell-{shape.cases - 1}-{columns - 1} .cell-body").wait_for()
    corner_s = time.perf_counter() - start
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    memory = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : null")
    frames = sorted(scroll["frames"][1:])
    return {
        "summary_s": summary_s, "grid_s": grid_s, "last_row_s": last_s, "corner_s": corner_s,
        "frame_p50_ms": statistics.median(frames), "frame_p95_ms": frames[int(len(frames) * 0.95)],
        "frame_max_ms": frames[-1], "frames": len(frames),
        "scroll_ms": spent, "long_tasks": len(scroll["long"]),
        "long_task_max_ms": max(scroll["long"], default=0),
        "heap_used_mb": metrics.get("JSHeapUsedSize", 0) / 2**20,
        "heap_total_mb": metrics.get("JSHeapTotalSize", 0) / 2**20,
        "performance_memory_mb": (memory or 0) / 2**20, "dom_nodes": metrics.get("Nodes"),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--unkept",
        action="store_true",
        help="no summary kept at finish: the first view computes it",
    )
    parser.add_argument(
        "--wide", action="store_true", help="2,000 cells a row (200 cases) instead of 10"
    )
    args = parser.parse_args()
    shape = SHAPES["wide" if args.wide else "tall"]
    url = SERVER.rsplit("/", 1)[0] + "/" + DBNAME
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"drop database if exists {DBNAME} with (force)")
        admin.execute(f"create database {DBNAME}")
    home = Path(tempfile.mkdtemp(prefix="assay-web-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPABASE_")}
    env |= {"DATABASE_URL": url, "ASSAY_HOME": str(home)}
    server = None
    try:
        migrate(url)
        server = AssayUp(env, home / "assay-up.log")
        server.wait_ready()
        with urllib.request.urlopen(f"{server.url}/v1/me", timeout=10) as answer:
            workspace = json.loads(answer.read())["workspace_id"]
        started = time.perf_counter()
        status = "completed" if args.unkept else "running"
        run = seed_run(url, workspace, shape, name=f"{shape.cells:,} cells", status=status)
        print(
            f"seeded {shape.cells:,} cells ({shape.cases:,} cases × {shape.cells // shape.cases:,})"
            f" in {time.perf_counter() - started:.1f} s"
        )
        if args.unkept:
            print("run seeded completed: no summary kept, the first view computes it")
        else:
            print(f"run finished, its summary kept, in {finish(url, run) * 1000:.0f} ms")
        vacuum(url)
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(home / "profile"), executable_path=CHROMIUM, headless=True,
                args=[*CHROMIUM_FLAGS, "--enable-precise-memory-info"], viewport=VIEWPORT,
            )  # fmt: skip
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(f"{server.url}/runs")  # warm the static files, as a returning user has them
            figures = measure(page, server.url, run, shape)
            context.close()
        print(
            f"run page: summary shown after {figures['summary_s'] * 1000:.0f} ms, first screen "
            f"of the grid after {figures['grid_s'] * 1000:.0f} ms"
        )
        print(
            f"scrolling to row {shape.cases:,} in 40 jumps: {figures['frames']} frames, p50 "
            f"{figures['frame_p50_ms']:.1f} ms, p95 {figures['frame_p95_ms']:.1f} ms, max "
            f"{figures['frame_max_ms']:.1f} ms; {figures['long_tasks']} long tasks (max "
            f"{figures['long_task_max_ms']:.0f} ms)"
        )
        spent = figures["scroll_ms"]
        print(
            f"  main thread while scrolling: script {spent['ScriptDuration']:.0f} ms, layout "
            f"{spent['LayoutDuration']:.0f} ms, style {spent['RecalcStyleDuration']:.0f} ms, all "
            f"tasks {spent['TaskDuration']:.0f} ms"
        )
        print(f"last row's cells shown {figures['last_row_s'] * 1000:.0f} ms after the scroll")
        print(f"far corner (Ctrl+End, End) shown after {figures['corner_s'] * 1000:.0f} ms")
        print(
            f"JS heap: {figures['heap_used_mb']:.1f} MB used of {figures['heap_total_mb']:.1f} MB"
            f" (performance.memory {figures['performance_memory_mb']:.1f} MB); "
            f"{figures['dom_nodes']:.0f} DOM nodes"
        )
    finally:
        if server and not args.keep:
            server.stop()
        elif server:
            print(f"kept: {server.url} on {url}")
        if not args.keep:
            with psycopg.connect(SERVER, autocommit=True) as admin:
                admin.execute(f"drop database if exists {DBNAME} with (force)")


if __name__ == "__main__":
    main()
