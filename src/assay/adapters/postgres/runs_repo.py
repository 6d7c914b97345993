"""Runs created, listed, read and cancelled on the request's connection (RLS applies); and the
report a run keeps once it has finished, stored by whatever finished it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from assay.domain.errors import NotFound
from assay.domain.models import PromptTemplate, ProviderSpec
from assay.domain.planning import PlannedCell
from assay.usecases.results import FINISHED, report_of

log = logging.getLogger(__name__)

Row = dict[str, Any]
_RUN = (
    "id, name, status, error, test_set_version_id, spec, total_cells, created_at, started_at, "
    "finished_at"
)
# What a run shown to a caller was of: its test set (null once deleted) and its models.
_SHOWN = (
    ", (select v.test_set_id from test_set_versions v where v.id = runs.test_set_version_id) "
    " as test_set_id, "
    "(select s.name from test_set_versions v join test_sets s on s.id = v.test_set_id "
    " where v.id = runs.test_set_version_id) as test_set_name, "
    "(select v.version from test_set_versions v where v.id = runs.test_set_version_id) "
    " as test_set_version, "
    "(select coalesce(array_agg(p.label order by p.position), '{}') from run_providers p "
    " where p.run_id = runs.id) as model_labels"
)
# A list also carries the report kept on a finished run (none is computed for a list).
_RUN_LISTED = _RUN + _SHOWN + ", summary -> 'rows' as kept_rows"
# Aggregates per prompt × model from the results alone (they carry their cell's positions).
_RESULTS_BY_PAIR = """
select prompt_position, provider_position, count(*) as results,
  count(*) filter (where passed and error is null) as passed,
  count(*) filter (where passed = false and error is null) as failed,
  count(*) filter (where error is not null) as errors,
  avg(score) filter (where error is null) as mean_score,
  coalesce(sum(cost), 0)::float8 as cost,
  coalesce(sum(prompt_tokens), 0)::int8 as prompt_tokens,
  coalesce(sum(completion_tokens), 0)::int8 as completion_tokens,
  percentile_cont(array[0.5, 0.95]) within group (order by latency_ms)
    filter (where error is null and not cached) as latency
from results where workspace_id = %s and run_id = %s
group by prompt_position, provider_position
"""
_CELLS_BY_PAIR = (
    "select prompt_position, provider_position, state, count(*) from cells "
    "where workspace_id = %s and run_id = %s group by 1, 2, 3"
)
# Cancelled cells without a result: they wait for nothing, so a summary counts none as pending.
# (A cell whose result landed after the cancel is done or failed, but older rows may not be.)
_UNANSWERED_CANCELLED = (
    "select c.prompt_position, c.provider_position, count(*) from cells c "
    "where c.workspace_id = %s and c.run_id = %s and c.state = 'cancelled' "
    "and not exists (select 1 from results r where r.cell_id = c.id) group by 1, 2"
)
_PROMPTS = (
    "select position, label, prompt_version_id from run_prompts "
    "where workspace_id = %s and run_id = %s order by position"
)
_PROVIDERS = (
    "select position, label, provider from run_providers "
    "where workspace_id = %s and run_id = %s order by position"
)
# (status, whether a report is kept, workspace) of a run, in one workspace or any; locked, so
# whoever computes a report to keep does so after every earlier keeper has stored its own.
_KEEPING = (
    "select status, summary is not null, workspace_id, summary_at from runs "
    "where id = %s and workspace_id = coalesce(%s::uuid, workspace_id) for update"
)
# Only while the run still has the status the report was computed for: a run resumed since
# then must not get a report of its earlier state. A read keeps what it computed only where
# nothing is kept: a report kept meanwhile (a late result's refresh) may be newer than its own.
_STORE_SUMMARY = (
    "update runs set summary = %s, summary_at = now() "
    "where workspace_id = %s and id = %s and status = %s"
)
_STORE_READ_SUMMARY = _STORE_SUMMARY + " and summary is null"
# Read by a writer once its results have committed: the run's status, and the time from which
# a report computed includes them.
_STATUS_NOW = "select status, clock_timestamp() from runs where id = %s"
# Stamped with when its computation began: a writer whose results committed before then
# knows they are in it.
_STORE_COMPUTED = (
    "update runs set summary = %s, summary_at = %s "
    "where workspace_id = %s and id = %s and status = %s"
)


class RunsRepo:
    """SQL for runs; every query filters on the workspace as well as RLS."""

    def __init__(self, conn: psycopg.Connection[Any], workspace_id: uuid.UUID) -> None:
        self._conn = conn
        self._ws = workspace_id

    def _rows(self, query: str, params: Sequence[Any] | dict[str, Any]) -> list[Row]:
        return self._conn.cursor(row_factory=dict_row).execute(query, params).fetchall()

    def insert_run(
        self,
        *,
        run_id: uuid.UUID,
        name: str,
        version_id: uuid.UUID,
        spec: dict[str, Any],
        total_cells: int,
        created_by: uuid.UUID,
    ) -> None:
        """The run row, queued."""
        self._conn.execute(
            "insert into runs (id, workspace_id, name, status, test_set_version_id, spec, "
            "total_cells, created_by) values (%s, %s, %s, 'queued', %s, %s, %s, %s)",
            (run_id, self._ws, name, version_id, Jsonb(spec), total_cells, created_by),
        )

    def insert_prompts(
        self, run_id: uuid.UUID, prompts: Sequence[tuple[uuid.UUID, PromptTemplate]]
    ) -> None:
        """The run's prompt versions, in order."""
        with self._conn.cursor() as cur:
            cur.executemany(
                "insert into run_prompts (run_id, position, workspace_id, prompt_version_id, "
                "label, body) values (%s, %s, %s, %s, %s, %s)",
                [
                    (run_id, pos, self._ws, vid, t.label, Jsonb(t.body()))
                    for pos, (vid, t) in enumerate(prompts)
                ],
            )

    def insert_providers(self, run_id: uuid.UUID, providers: Sequence[ProviderSpec]) -> None:
        """The run's models, in order."""
        with self._conn.cursor() as cur:
            cur.executemany(
                "insert into run_providers (run_id, position, workspace_id, label, provider) "
                "values (%s, %s, %s, %s, %s)",
                [
                    (run_id, pos, self._ws, p.label, Jsonb(p.stored()))
                    for pos, p in enumerate(providers)
                ],
            )

    def insert_cells(
        self,
        run_id: uuid.UUID,
        cells: Sequence[PlannedCell],
        case_ids: Sequence[uuid.UUID],
        batch: int = 20_000,
    ) -> None:
        """Planned cells, as array INSERTs (COPY is refused under row level security)."""
        for start in range(0, len(cells), batch):
            part = cells[start : start + batch]
            self._conn.execute(
                "insert into cells (id, workspace_id, run_id, chunk, case_position, test_case_id, "
                "prompt_position, provider_position, repeat) select u.id, %s, %s, u.chunk, "
                "u.case_position, u.case_id, u.prompt, u.provider, u.rep from unnest("
                "%s::uuid[], %s::int[], %s::int[], %s::uuid[], %s::int[], %s::int[], %s::int[]) "
                "as u(id, chunk, case_position, case_id, prompt, provider, rep)",
                (
                    self._ws, run_id,
                    [c.id for c in part], [c.chunk for c in part],
                    [c.case_position for c in part],
                    [case_ids[c.case_position] for c in part],
                    [c.prompt_position for c in part], [c.provider_position for c in part],
                    [c.repeat for c in part],
                ),
            )  # fmt: skip

    def get(self, run_id: uuid.UUID, *, lock: bool = False, shown: bool = False) -> Row:
        """A run row, with its test set and model labels when `shown` to a caller; NotFound
        when absent or another workspace's."""
        rows = self._rows(
            f"select {_RUN}{_SHOWN if shown else ''} from runs where workspace_id = %s and id = %s"
            + (" for update" if lock else ""),
            (self._ws, run_id),
        )
        if not rows:
            raise NotFound(f"run {run_id} not found", details={"run_id": str(run_id)})
        return rows[0]

    def list_page(
        self,
        after: tuple[str, str] | None,
        limit: int,
        *,
        status: str | None = None,
        test_set_id: uuid.UUID | None = None,
        name: str | None = None,
    ) -> list[Row]:
        """Runs newest first, after a (created_at, id) position; optionally only those in
        `status`, of a test set (any of its versions), or whose name holds `name`."""
        where = ["workspace_id = %(ws)s"]
        if after is not None:
            where.append("(created_at, id) < (%(at)s::timestamptz, %(id)s::uuid)")
        if status is not None:
            where.append("status = %(status)s")
        if test_set_id is not None:
            where.append(
                "test_set_version_id in (select v.id from test_set_versions v "
                "where v.workspace_id = %(ws)s and v.test_set_id = %(test_set)s)"
            )
        if name:
            where.append("name ilike %(name)s escape '\\'")
        pattern = (name or "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return self._rows(
            f"select {_RUN_LISTED} from runs where {' and '.join(where)} "
            "order by created_at desc, id desc limit %(limit)s",
            {
                "ws": self._ws, "at": after[0] if after else None,
                "id": after[1] if after else None, "status": status,
                "test_set": test_set_id, "name": f"%{pattern}%", "limit": limit,
            },
        )  # fmt: skip

    def prompts(self, run_id: uuid.UUID) -> list[Row]:
        """(position, label, prompt_version_id) of the run's prompts."""
        return self._rows(_PROMPTS, (self._ws, run_id))

    def providers(self, run_id: uuid.UUID) -> list[Row]:
        """(position, label, provider) of the run's models."""
        return self._rows(_PROVIDERS, (self._ws, run_id))

    def results_by_pair(self, run_id: uuid.UUID) -> list[Row]:
        """Result aggregates per (prompt_position, provider_position), latency p50 and p95;
        `results` counts the pair's cells that are over (see `_counted_as_over`)."""
        key = (self._ws, run_id)
        return _counted_as_over(
            _with_percentiles(self._rows(_RESULTS_BY_PAIR, key)),
            self._conn.execute(_UNANSWERED_CANCELLED, key).fetchall(),
        )

    def cells_by_pair(self, run_id: uuid.UUID) -> list[tuple[int, int, str, int]]:
        """(prompt_position, provider_position, state, cells) of the run."""
        return [
            (p, m, state, n)
            for p, m, state, n in self._conn.execute(_CELLS_BY_PAIR, (self._ws, run_id)).fetchall()
        ]

    def stored_summary(self, run_id: uuid.UUID) -> tuple[Row, list[Row]] | None:
        """(progress, summary rows) kept on a finished run, or None."""
        row = self._conn.execute(
            "select summary from runs where workspace_id = %s and id = %s", (self._ws, run_id)
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return dict(row[0]["progress"]), list(row[0]["rows"])

    def store_summary(
        self, run_id: uuid.UUID, status: str, progress: Row, rows: Sequence[Row]
    ) -> None:
        """Keep the progress and summary a read computed, unless the run's status changed since
        or a report was kept meanwhile."""
        self._conn.execute(
            _STORE_READ_SUMMARY, (_summary(progress, rows), self._ws, run_id, status)
        )

    def keep_summary(self, run_id: uuid.UUID) -> bool:
        """Keep a finished run's report as its first read would; whether one was kept.

        In a savepoint: a failure is logged and leaves the caller's transaction usable, and the
        first read computes the report instead.
        """
        try:
            with self._conn.transaction():
                row = self._conn.execute(_KEEPING, (run_id, self._ws)).fetchone()
                if row is None or row[0] not in FINISHED or row[1]:
                    return False
                progress, rows = report_of(
                    self.results_by_pair(run_id),
                    self.cells_by_pair(run_id),
                    self.prompts(run_id),
                    self.providers(run_id),
                )
                self.store_summary(run_id, str(row[0]), progress, rows)
                return True
        except Exception:
            _not_kept(run_id)
            return False

    def cancel(self, run_id: uuid.UUID) -> None:
        """Cells not yet finished become cancelled; the run too, keeping its report.

        A call already sent for a cancelled cell was paid for: when its result lands, the cell
        ends done or failed and the kept report is refreshed (`PostgresRunStore.write_outcomes`).
        """
        self._conn.execute(
            "update cells set state = 'cancelled', lease_owner = null, lease_until = null, "
            "updated_at = now() where workspace_id = %s and run_id = %s "
            "and state in ('pending', 'leased')",
            (self._ws, run_id),
        )
        self._conn.execute(
            "update runs set status = 'cancelled', finished_at = now() "
            "where workspace_id = %s and id = %s and status in ('queued', 'running')",
            (self._ws, run_id),
        )
        self.keep_summary(run_id)


async def keep_finished_summary(pool: AsyncConnectionPool, run_id: uuid.UUID) -> bool:
    """Keep a just-finished run's report as its first read would; whether one was kept.

    Called once the statement that finished the run has committed: after it, as a status
    change makes the database forget a kept report; and outside its transaction, so finishing
    neither holds the run's row lock through the aggregation nor fails with it. A failure is
    logged and the first read computes the report. A run not finished, or already keeping a
    report (a retried step), is left alone.
    """
    return await _keep(pool, run_id, since=None)


async def refresh_finished_summary(
    pool: AsyncConnectionPool, run_id: uuid.UUID, *, since: datetime | None = None
) -> bool:
    """Recompute the report kept on a finished run to include results committed before
    `since` (a database time; by default now); whether one was kept. A run not finished is
    left alone: the report kept when it finishes will include them.

    For results that land after the run finished (calls in flight when it was cancelled or
    failed): their writer calls this once they have committed. Keepers take the run's row lock
    first, so the last one computes after every earlier write has committed; a report whose
    computation began at or after `since` already includes them and is left as it is.
    """
    if since is None:
        try:
            async with pool.connection() as conn:
                row = await (await conn.execute(_STATUS_NOW, (run_id,))).fetchone()
        except Exception:
            _not_kept(run_id)
            return False
        if row is None or row[0] not in FINISHED:
            return False
        since = row[1]
    return await _keep(pool, run_id, since=since)


async def _keep(pool: AsyncConnectionPool, run_id: uuid.UUID, *, since: datetime | None) -> bool:
    """Keep a report (`since` None: only where none is kept; else unless one computed from
    `since` on is kept), stamped with the time its computation began."""
    try:
        async with pool.connection() as conn, conn.transaction():
            cur = conn.cursor(row_factory=dict_row)
            run = await (await conn.execute(_KEEPING, (run_id, None))).fetchone()
            if run is None or run[0] not in FINISHED:
                return False
            kept_at = run[3] if run[1] else None
            if kept_at is not None and (since is None or kept_at >= since):
                return False
            key = (run[2], run_id)
            begun = await (await conn.execute("select clock_timestamp()")).fetchone()
            assert begun is not None
            results = _with_percentiles(await (await cur.execute(_RESULTS_BY_PAIR, key)).fetchall())
            unanswered = await (await conn.execute(_UNANSWERED_CANCELLED, key)).fetchall()
            cells = [
                (p, m, state, n)
                for p, m, state, n in await (await conn.execute(_CELLS_BY_PAIR, key)).fetchall()
            ]
            prompts = await (await cur.execute(_PROMPTS, key)).fetchall()
            providers = await (await cur.execute(_PROVIDERS, key)).fetchall()
            progress, rows = report_of(
                _counted_as_over(results, unanswered), cells, prompts, providers
            )
            stored = await conn.execute(
                _STORE_COMPUTED, (_summary(progress, rows), begun[0], *key, run[0])
            )
            return stored.rowcount == 1
    except Exception:
        _not_kept(run_id)
        return False


def _not_kept(run_id: uuid.UUID) -> None:
    """Logs, with the exception being handled, that finishing a run kept no report."""
    log.warning(
        "run summary not kept at finish; the first read computes it",
        extra={"run_id": str(run_id)},
        exc_info=True,
    )


def _with_percentiles(rows: list[Row]) -> list[Row]:
    """Result aggregates with the latency array split into p50 and p95."""
    for row in rows:
        row["p50"], row["p95"] = row.pop("latency") or (None, None)
    return rows


def _counted_as_over(results: list[Row], unanswered: Sequence[Any]) -> list[Row]:
    """Result aggregates whose `results` also counts the pair's cancelled cells without a
    result, so that a summary's `pending` (cells less `results`) counts only cells that will
    still run; a pair with nothing but such cells gets an empty aggregate."""
    by_pair = {(r["prompt_position"], r["provider_position"]): r for r in results}
    for prompt, provider, count in unanswered:
        row = by_pair.get((prompt, provider))
        if row is None:
            row = by_pair[prompt, provider] = {
                "prompt_position": prompt, "provider_position": provider, "results": 0,
                "passed": 0, "failed": 0, "errors": 0, "mean_score": None, "cost": 0.0,
                "prompt_tokens": 0, "completion_tokens": 0, "p50": None, "p95": None,
            }  # fmt: skip
        row["results"] += count
    return list(by_pair.values())


def _summary(progress: Row, rows: Sequence[Row]) -> Jsonb:
    return Jsonb({"progress": progress, "rows": list(rows)})
