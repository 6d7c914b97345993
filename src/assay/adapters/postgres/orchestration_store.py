"""What the AWS workflow stores beyond the run engine: conditional status moves (a run that
finishes keeps its report), failing dead chunks, and when each chunk was last put on the queue."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from psycopg_pool import AsyncConnectionPool

from assay.domain.errors import NotFound

from .runs_repo import keep_finished_summary

_ACTIVE = ("queued", "running")

# Cells of a dead-lettered chunk that nobody is working on fail, each with a result row
# saying why, so a report shows the reason next to the cell.
_FAIL_CHUNK = """
with dead as (
  update cells set state = 'failed', lease_owner = null, lease_until = null,
         error = %(reason)s, updated_at = now()
  where run_id = %(run)s and chunk = %(chunk)s
    and (state = 'pending' or (state = 'leased' and lease_until < now()))
  returning id, workspace_id, attempts
), noted as (
  insert into results (cell_id, workspace_id, run_id, error, error_code, attempts)
  select id, workspace_id, %(run)s, %(reason)s, 'dead_lettered', greatest(attempts, 1) from dead
  on conflict (cell_id) do nothing
)
select count(*) from dead
"""

# Chunks with open cells (pending, or under an expired lease), no live lease, and no message
# sent within the grace period. The upsert only moves `sent_at` while it is still older than
# the grace period, so of two concurrent checks only one gets the chunk back.
_CLAIM_STALLED = """
with stalled as (
  select c.chunk from cells c
  where c.run_id = %(run)s
  group by c.chunk
  having bool_or(c.state = 'pending' or (c.state = 'leased' and c.lease_until < now()))
     and not bool_or(c.state = 'leased' and c.lease_until >= now())
), due as (
  select s.chunk, r.workspace_id from stalled s
  join runs r on r.id = %(run)s
  left join chunk_dispatches d on d.run_id = %(run)s and d.chunk = s.chunk
  where coalesce(d.sent_at, r.started_at, r.created_at) < now() - %(grace)s
  order by s.chunk
  limit %(limit)s
)
insert into chunk_dispatches as d (run_id, chunk, workspace_id)
select %(run)s, chunk, workspace_id from due
on conflict (run_id, chunk) do update set sent_at = now(), sends = d.sends + 1
  where d.sent_at < now() - %(grace)s
returning chunk
"""

_RECORD = """
insert into chunk_dispatches as d (run_id, chunk, workspace_id)
select %(run)s, chunk, r.workspace_id from unnest(%(chunks)s::int[]) as chunk
join runs r on r.id = %(run)s
on conflict (run_id, chunk) do update set sent_at = now(), sends = d.sends + 1
"""


class PostgresRunTransitions:
    """Status changes that only happen from the right state, so retries and races are harmless."""

    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def begin(self, run_id: uuid.UUID) -> str:
        """Move a queued run to running; returns the status the run has afterwards."""
        async with self._pool.connection() as conn:
            await conn.execute(
                "update runs set status = 'running', started_at = coalesce(started_at, now()) "
                "where id = %s and status in ('queued', 'running')",
                (run_id,),
            )
        return await self._status(run_id)

    async def complete(self, run_id: uuid.UUID) -> str:
        """Mark an active run completed when no cell is left open, keeping its report (see
        `keep_finished_summary`); returns the status after."""
        async with self._pool.connection() as conn:
            await conn.execute(
                "update runs set status = 'completed', finished_at = now() "
                "where id = %s and status = any(%s) and not exists (select 1 from cells "
                "where run_id = %s and state in ('pending', 'leased'))",
                (run_id, list(_ACTIVE), run_id),
            )
        await keep_finished_summary(self._pool, run_id)
        return await self._status(run_id)

    async def fail(self, run_id: uuid.UUID, error: str) -> str:
        """Mark an active run failed with a reason, keeping its report; a finished or cancelled
        run keeps its status."""
        async with self._pool.connection() as conn:
            await conn.execute(
                "update runs set status = 'failed', error = %s, finished_at = now() "
                "where id = %s and status = any(%s)",
                (error, run_id, list(_ACTIVE)),
            )
        await keep_finished_summary(self._pool, run_id)
        return await self._status(run_id)

    async def fail_chunk(self, run_id: uuid.UUID, chunk: int, reason: str) -> tuple[int, int]:
        """Fail the chunk's unclaimed cells: (cells failed, cells still under a live lease)."""
        async with self._pool.connection() as conn, conn.transaction():
            row = await (
                await conn.execute(_FAIL_CHUNK, {"run": run_id, "chunk": chunk, "reason": reason})
            ).fetchone()
            live = await (
                await conn.execute(
                    "select count(*) from cells where run_id = %s and chunk = %s "
                    "and state = 'leased' and lease_until >= now()",
                    (run_id, chunk),
                )
            ).fetchone()
        assert row is not None and live is not None
        return int(row[0]), int(live[0])

    async def _status(self, run_id: uuid.UUID) -> str:
        async with self._pool.connection() as conn:
            row = await (
                await conn.execute("select status from runs where id = %s", (run_id,))
            ).fetchone()
        if row is None:
            raise NotFound(f"run {run_id} not found", details={"run_id": str(run_id)})
        return str(row[0])


class PostgresChunkDispatches:
    """When each chunk was last enqueued, and which stalled chunks are due to be sent again."""

    def __init__(self, pool: AsyncConnectionPool) -> None:
        self._pool = pool

    async def record(self, run_id: uuid.UUID, chunks: Sequence[int]) -> None:
        """Note that these chunks were just put on the queue."""
        if not chunks:
            return
        async with self._pool.connection() as conn:
            await conn.execute(_RECORD, {"run": run_id, "chunks": list(chunks)})

    async def claim_stalled(self, run_id: uuid.UUID, grace_s: float, limit: int) -> list[int]:
        """Stalled chunks not sent within `grace_s`, at most `limit`, marked sent now."""
        params = {"run": run_id, "grace": timedelta(seconds=grace_s), "limit": limit}
        async with self._pool.connection() as conn:
            rows = await (await conn.execute(_CLAIM_STALLED, params)).fetchall()
        return sorted(int(r[0]) for r in rows)
