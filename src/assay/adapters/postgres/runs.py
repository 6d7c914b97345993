"""The run store: runs, cells with leases, results written once per cell, the response cache."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from assay.domain.errors import NotFound
from assay.domain.models import Completion, EvalSuite, PromptTemplate, ProviderSpec, TestCase
from assay.domain.planning import PlannedCell
from assay.domain.run_state import CellOutcome, ClaimedCell, Progress, RunPlan
from assay.usecases.results import FINISHED

from . import suites
from .runs_repo import keep_finished_summary, refresh_finished_summary

_CLAIM = """
with claimed as (
  update cells set state = 'leased', lease_owner = %(owner)s,
         lease_until = now() + make_interval(secs => %(lease)s),
         attempts = attempts + 1, updated_at = now()
  where run_id = %(run)s and chunk = %(chunk)s
    and (state = 'pending' or (state = 'leased' and lease_until < now()))
  returning id, case_position, prompt_position, provider_position, repeat, attempts, test_case_id
)
select c.*, t.body from claimed c left join test_cases t on t.id = c.test_case_id
"""

# Cells whose result is stored take the state it tells: done, or failed with its error. A cell
# cancelled while its call was in flight is among them; one already done or failed is left as
# it is (a second delivery's result was not stored).
_SETTLE = """
update cells c set state = case when r.error is null then 'done' else 'failed' end,
       error = r.error, lease_owner = null, lease_until = null, updated_at = now()
from results r
where r.cell_id = c.id and c.id = any(%s::uuid[])
  and c.state in ('pending', 'leased', 'cancelled')
"""


class PostgresRunStore:
    """Run state in Postgres; every write a retry can repeat is idempotent."""

    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def create_run(
        self,
        *,
        workspace_id: uuid.UUID,
        suite: EvalSuite,
        suite_name: str,
        repeats: int,
        concurrency: int,
        use_cache: bool,
        cells: Iterable[PlannedCell],
        total_cells: int,
        run_id: uuid.UUID,
    ) -> uuid.UUID:
        """Store the suite, the run and all its cells in one transaction."""
        async with self._pool.connection() as conn, conn.transaction():
            await suites.ensure_workspace(conn, workspace_id, "Local")
            _, version_id, _, case_ids = await suites.save_test_set(
                conn, workspace_id, suite_name, suite.tests
            )
            spec = {
                "repeats": repeats,
                "concurrency": concurrency,
                "use_cache": use_cache,
                "source": suite.source,
                "description": suite.description,
            }
            await conn.execute(
                "insert into runs (id, workspace_id, name, status, test_set_version_id, spec, "
                "total_cells) values (%s, %s, %s, 'queued', %s, %s, %s)",
                (
                    run_id,
                    workspace_id,
                    suite.description or suite_name,
                    version_id,
                    Jsonb(spec),
                    total_cells,
                ),
            )
            for pos, prompt in enumerate(suite.prompts):
                pv = await suites.save_prompt(
                    conn, workspace_id, f"{suite_name} / {prompt.label}", prompt
                )
                await conn.execute(
                    "insert into run_prompts (run_id, position, workspace_id, prompt_version_id, "
                    "label, body) values (%s, %s, %s, %s, %s, %s)",
                    (run_id, pos, workspace_id, pv, prompt.label, Jsonb(prompt.body())),
                )
            for pos, provider in enumerate(suite.providers):
                await conn.execute(
                    "insert into run_providers (run_id, position, workspace_id, label, provider) "
                    "values (%s, %s, %s, %s, %s)",
                    (run_id, pos, workspace_id, provider.label, Jsonb(provider.stored())),
                )
            async with (
                conn.cursor() as cur,
                cur.copy(
                    "copy cells (id, workspace_id, run_id, chunk, case_position, test_case_id, "
                    "prompt_position, provider_position, repeat) from stdin"
                ) as copy,
            ):
                for c in cells:
                    await copy.write_row(
                        (
                            c.id,
                            workspace_id,
                            run_id,
                            c.chunk,
                            c.case_position,
                            case_ids[c.case_position],
                            c.prompt_position,
                            c.provider_position,
                            c.repeat,
                        )
                    )
        return run_id

    async def load_plan(self, run_id: uuid.UUID) -> RunPlan:
        """The run's prompts, providers and settings; NotFound when absent."""
        async with self._pool.connection() as conn:
            cur = conn.cursor(row_factory=dict_row)
            run = await (
                await cur.execute("select * from runs where id = %s", (run_id,))
            ).fetchone()
            if run is None:
                raise NotFound(f"run {run_id} not found", details={"run_id": str(run_id)})
            prompts = await (
                await cur.execute(
                    "select label, body from run_prompts where run_id = %s order by position",
                    (run_id,),
                )
            ).fetchall()
            providers = await (
                await cur.execute(
                    "select provider from run_providers where run_id = %s order by position",
                    (run_id,),
                )
            ).fetchall()
        spec = run["spec"] or {}
        return RunPlan(
            run_id=run_id,
            workspace_id=run["workspace_id"],
            status=run["status"],
            name=run["name"],
            total_cells=run["total_cells"],
            prompts=tuple(PromptTemplate(label=p["label"], **p["body"]) for p in prompts),
            providers=tuple(ProviderSpec.model_validate(p["provider"]) for p in providers),
            repeats=spec.get("repeats", 1),
            concurrency=spec.get("concurrency", 10),
            use_cache=spec.get("use_cache", True),
        )

    async def set_status(self, run_id: uuid.UUID, status: str, error: str | None = None) -> None:
        """Move a run to `status`, stamping start and finish times; a finished run keeps its
        report (see `keep_finished_summary`)."""
        async with self._pool.connection() as conn:
            await conn.execute(
                "update runs set status = %(s)s, error = %(e)s, "
                "started_at = coalesce(started_at, case when %(s)s = 'running' then now() end), "
                "finished_at = case when %(s)s in ('completed', 'failed', 'cancelled') "
                "then now() else null end where id = %(r)s",
                {"s": status, "e": error, "r": run_id},
            )
        if status in FINISHED:
            await keep_finished_summary(self._pool, run_id)

    async def open_chunks(self, run_id: uuid.UUID, provider_position: int) -> list[int]:
        """Chunks of one model that still hold pending or lease-expired cells."""
        async with self._pool.connection() as conn:
            rows = await (
                await conn.execute(
                    "select distinct chunk from cells where run_id = %s and provider_position = %s "
                    "and (state = 'pending' or (state = 'leased' and lease_until < now())) "
                    "order by chunk",
                    (run_id, provider_position),
                )
            ).fetchall()
        return [r[0] for r in rows]

    async def claim_chunk(
        self, run_id: uuid.UUID, chunk: int, *, owner: str, lease_s: float
    ) -> list[ClaimedCell]:
        """Lease the chunk's claimable cells; cells held by a live lease are left alone."""
        async with self._pool.connection() as conn:
            cur = conn.cursor(row_factory=dict_row)
            rows = await (
                await cur.execute(
                    _CLAIM, {"owner": owner, "lease": lease_s, "run": run_id, "chunk": chunk}
                )
            ).fetchall()
        return [
            ClaimedCell(
                id=r["id"],
                case_position=r["case_position"],
                prompt_position=r["prompt_position"],
                provider_position=r["provider_position"],
                repeat=r["repeat"],
                attempts=r["attempts"],
                case=TestCase.model_validate(r["body"] or {}),
            )
            for r in sorted(
                rows, key=lambda r: (r["case_position"], r["prompt_position"], r["repeat"])
            )
        ]

    async def renew_leases(self, run_id: uuid.UUID, owner: str, lease_s: float) -> int:
        """Extend every lease `owner` holds in the run."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "update cells set lease_until = now() + make_interval(secs => %s) "
                "where run_id = %s and lease_owner = %s and state = 'leased'",
                (lease_s, run_id, owner),
            )
            return cur.rowcount

    async def release(self, run_id: uuid.UUID, owners: Sequence[str]) -> int:
        """Hand cells leased by `owners` back to pending (a clean stop or a dead process)."""
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "update cells set state = 'pending', lease_owner = null, lease_until = null, "
                "updated_at = now() where run_id = %s and state = 'leased' "
                "and lease_owner = any(%s)",
                (run_id, list(owners)),
            )
            return cur.rowcount

    async def lease_owners(self, run_id: uuid.UUID) -> list[str]:
        """Distinct owners of live or stale leases in a run."""
        async with self._pool.connection() as conn:
            rows = await (
                await conn.execute(
                    "select distinct lease_owner from cells where run_id = %s and state = 'leased' "
                    "and lease_owner is not null",
                    (run_id,),
                )
            ).fetchall()
        return [r[0] for r in rows]

    async def cached(self, workspace_id: uuid.UUID, keys: Sequence[str]) -> dict[str, Completion]:
        """Cached completions for the given keys."""
        if not keys:
            return {}
        async with self._pool.connection() as conn:
            rows = await (
                await conn.execute(
                    "select key, response from response_cache where workspace_id = %s "
                    "and key = any(%s)",
                    (workspace_id, list(keys)),
                )
            ).fetchall()
        return {
            k: Completion.model_validate(v).model_copy(update={"cached": True}) for k, v in rows
        }

    async def write_outcomes(
        self, run_id: uuid.UUID, workspace_id: uuid.UUID, outcomes: Sequence[CellOutcome]
    ) -> None:
        """Store results (first write wins per cell), cache entries and cell states at once.

        A cell's state follows its stored result, even when the run was cancelled meanwhile:
        the call was in flight, it was paid for, and its cell is counted once, as done or
        failed (never called again on resume). When such late results land on a finished run,
        the report kept on it is recomputed once they have committed.
        """
        if not outcomes:
            return
        async with self._pool.connection() as conn, conn.transaction():
            stored = await _insert_results(conn, run_id, workspace_id, outcomes)
            await conn.execute(_SETTLE, ([o.cell_id for o in outcomes],))
            cache_rows = [
                (
                    workspace_id,
                    o.cache_key,
                    o.cache_model,
                    Jsonb(o.completion.model_dump(mode="json")),
                )
                for o in outcomes
                if o.cache_key and o.completion is not None and not o.completion.cached
            ]
            if cache_rows:
                async with conn.cursor() as cur:
                    await cur.executemany(
                        "insert into response_cache (workspace_id, key, model, response) "
                        "values (%s, %s, %s, %s) on conflict do nothing",
                        cache_rows,
                    )
        if stored:
            await refresh_finished_summary(self._pool, run_id)

    async def cancel(self, run_id: uuid.UUID) -> None:
        """Cancel a run: no new calls; cells not yet done become cancelled.

        Keeps no report: callers stop the run's executor right after this and must not wait
        on the aggregation. A cancel through the API has kept one already (`RunsRepo.cancel`);
        otherwise the first read computes it.
        """
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "update cells set state = 'cancelled', lease_owner = null, lease_until = null, "
                "updated_at = now() where run_id = %s and state in ('pending', 'leased')",
                (run_id,),
            )
            await conn.execute(
                "update runs set status = 'cancelled', finished_at = now() "
                "where id = %s and status in ('queued', 'running')",
                (run_id,),
            )

    async def reopen(self, run_id: uuid.UUID, *, retry_errors: bool) -> None:
        """Make a stopped run resumable: cancelled (and, if asked, errored) cells go pending."""
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(
                "update cells set state = 'pending', updated_at = now() "
                "where run_id = %s and state = 'cancelled'",
                (run_id,),
            )
            if retry_errors:
                await conn.execute(
                    "with gone as (delete from results where run_id = %s and error is not null "
                    "returning cell_id) update cells set state = 'pending', error = null "
                    "where id in (select cell_id from gone)",
                    (run_id,),
                )

    async def status(self, run_id: uuid.UUID) -> str:
        """The run's current status."""
        async with self._pool.connection() as conn:
            row = await (
                await conn.execute("select status from runs where id = %s", (run_id,))
            ).fetchone()
        if row is None:
            raise NotFound(f"run {run_id} not found")
        return str(row[0])

    async def progress(self, run_id: uuid.UUID) -> Progress:
        """Cell counts by state plus passes and cost so far."""
        async with self._pool.connection() as conn:
            rows = await (
                await conn.execute(
                    "select state, count(*) from cells where run_id = %s group by state", (run_id,)
                )
            ).fetchall()
            agg = await (
                await conn.execute(
                    "select count(*) filter (where passed), coalesce(sum(cost), 0) from results "
                    "where run_id = %s",
                    (run_id,),
                )
            ).fetchone()
        counts: dict[str, Any] = {state: n for state, n in rows}
        assert agg is not None
        return Progress(total=sum(counts.values()), passed=agg[0], cost=float(agg[1]), **counts)


_RESULT_COLUMNS = (
    "cell_id, workspace_id, run_id, output, finish_reason, prompt_tokens, completion_tokens, "
    "total_tokens, cost, latency_ms, cached, error, error_code, passed, score, grading, attempts"
)


async def _insert_results(
    conn: AsyncConnection,
    run_id: uuid.UUID,
    workspace_id: uuid.UUID,
    outcomes: Sequence[CellOutcome],
) -> int:
    """COPY into a per-session staging table, then one INSERT … ON CONFLICT DO NOTHING:
    several times cheaper than a statement per row at hundreds of results a second. Returns
    how many results were stored (not already there)."""
    await conn.execute(
        "create temp table if not exists results_staging "
        "(like public.results including defaults) on commit delete rows"
    )
    async with (
        conn.cursor() as cur,
        cur.copy(f"copy results_staging ({_RESULT_COLUMNS}) from stdin") as copy,
    ):
        for o in outcomes:
            c, g = o.completion, o.grading
            await copy.write_row((
                o.cell_id, workspace_id, run_id,
                c.text if c else None, c.finish_reason if c else None,
                c.usage.prompt_tokens if c else None, c.usage.completion_tokens if c else None,
                c.usage.total_tokens if c else None, c.usage.cost if c else None,
                c.latency_ms if c else None, bool(c and c.cached), o.error, o.error_code,
                g.passed if g else None, g.score if g else None,
                g.model_dump_json() if g else None, o.attempts,
            ))  # fmt: skip
    inserted = await conn.execute(
        f"insert into results ({_RESULT_COLUMNS}) select {_RESULT_COLUMNS} "
        "from results_staging on conflict (cell_id) do nothing"
    )
    return inserted.rowcount
