"""Run transitions the AWS workflow needs: conditional status moves and failing dead chunks."""

from __future__ import annotations

import uuid

from psycopg_pool import AsyncConnectionPool

from assay.domain.errors import NotFound

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
        """Mark an active run completed when no cell is left open; returns the status after."""
        async with self._pool.connection() as conn:
            await conn.execute(
                "update runs set status = 'completed', finished_at = now() "
                "where id = %s and status = any(%s) and not exists (select 1 from cells "
                "where run_id = %s and state in ('pending', 'leased'))",
                (run_id, list(_ACTIVE), run_id),
            )
        return await self._status(run_id)

    async def fail(self, run_id: uuid.UUID, error: str) -> str:
        """Mark an active run failed with a reason; a finished or cancelled run keeps its status."""
        async with self._pool.connection() as conn:
            await conn.execute(
                "update runs set status = 'failed', error = %s, finished_at = now() "
                "where id = %s and status = any(%s)",
                (error, run_id, list(_ACTIVE)),
            )
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
