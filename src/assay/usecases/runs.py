"""Creating runs: store the suite, plan every cell, and hand the run to an executor."""

from __future__ import annotations

import uuid
from pathlib import Path

from assay.domain.errors import InvalidInput
from assay.domain.models import EvalSuite
from assay.domain.planning import plan_cells
from assay.ports import RunCreator

LOCAL_WORKSPACE_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")


def suite_name(suite: EvalSuite) -> str:
    """The test-set name a config file's cases are stored under."""
    if suite.source:
        return Path(suite.source).resolve().as_posix()[-200:]
    return suite.description or "untitled"


async def create_run(
    store: RunCreator,
    suite: EvalSuite,
    *,
    repeats: int = 1,
    concurrency: int = 10,
    use_cache: bool = True,
    chunk_size: int = 100,
    workspace_id: uuid.UUID = LOCAL_WORKSPACE_ID,
) -> uuid.UUID:
    """Store the suite and a new run with one pending cell per case × prompt × model × repeat."""
    if repeats < 1:
        raise InvalidInput("--repeat must be at least 1", details={"repeat": repeats})
    if concurrency < 1:
        raise InvalidInput("concurrency must be at least 1", details={"concurrency": concurrency})
    run_id = uuid.uuid4()
    shape = {
        "cases": len(suite.tests),
        "prompts": len(suite.prompts),
        "providers": len(suite.providers),
        "repeats": repeats,
    }
    total = shape["cases"] * shape["prompts"] * shape["providers"] * repeats
    await store.create_run(
        workspace_id=workspace_id,
        suite=suite,
        suite_name=suite_name(suite),
        repeats=repeats,
        concurrency=concurrency,
        use_cache=use_cache,
        cells=plan_cells(run_id, chunk_size=chunk_size, **shape),
        total_cells=total,
        run_id=run_id,
    )
    return run_id
