"""Finding runs a stopped `assay up` left unfinished, and marking interrupted ones resumable."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from assay.adapters.postgres.database import connect_async

INTERRUPTED = "interrupted"  # the error LocalRunner records when its task is cancelled


async def unfinished_runs(conninfo: str) -> list[uuid.UUID]:
    """Runs still `queued` or `running`, oldest first."""
    conn = await connect_async(conninfo)
    async with conn:
        cur = await conn.execute(
            "select id from runs where status in ('queued', 'running') order by created_at, id"
        )
        return [row[0] for row in await cur.fetchall()]


async def requeue_interrupted(conninfo: str, run_ids: Sequence[uuid.UUID]) -> int:
    """Put runs cancelled only by our shutdown back to `queued`, so the next start resumes them."""
    if not run_ids:
        return 0
    conn = await connect_async(conninfo)
    async with conn:
        cur = await conn.execute(
            "update runs set status = 'queued', error = null, finished_at = null "
            "where id = any(%s) and status = 'cancelled' and error = %s",
            (list(run_ids), INTERRUPTED),
        )
        return cur.rowcount
