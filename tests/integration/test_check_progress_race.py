"""CheckProgress against a cancel that commits between its reads: never a running run whose
cells have all ended (the workflow would finalize it and end in RunCompleted)."""

from __future__ import annotations

import uuid

from assay.adapters.postgres.database import async_pool
from assay.adapters.postgres.runs import PostgresRunStore
from assay.domain.run_state import Progress
from assay.usecases import orchestration as steps
from assay.usecases.runs import create_run
from integration.engine_support import engine, suite


class CancelledBetweenReads(PostgresRunStore):
    """The run store, with a cancel committed right after the first read CheckProgress makes."""

    first_read = True

    async def _cancel_once(self, run_id: uuid.UUID) -> None:
        if self.first_read:
            self.first_read = False
            await self.cancel(run_id)

    async def status(self, run_id: uuid.UUID) -> str:
        status = await super().status(run_id)
        await self._cancel_once(run_id)
        return status

    async def progress(self, run_id: uuid.UUID) -> Progress:
        progress = await super().progress(run_id)
        await self._cancel_once(run_id)
        return progress


async def test_a_cancel_between_the_reads_is_never_reported_as_a_finished_running_run(
    database_url: str,
) -> None:
    pool = async_pool(database_url, min_size=1, max_size=2)
    await pool.open(wait=True)
    try:
        async with engine(database_url) as e:
            run_id = await create_run(e.store, suite("http://127.0.0.1:9", cases=4), chunk_size=2)
            await e.store.set_status(run_id, "running")
            racing = CancelledBetweenReads(pool)
            report = await steps.check_progress(store=racing, run_id=run_id)
            assert not racing.first_read  # the cancel did land between the reads
            assert not (report.status == "running" and report.finished), report
            again = await steps.check_progress(store=e.store, run_id=run_id)
    finally:
        await pool.close()
    assert again.status == "cancelled" and again.finished
