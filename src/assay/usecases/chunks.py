"""Processing one chunk: the unit of work a queue message names, locally or on AWS."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from assay.domain.run_state import CellOutcome
from assay.ports import RunStore
from assay.usecases.calling import ModelLane
from assay.usecases.evaluate import Evaluator, evaluate_all


@dataclass(frozen=True)
class ChunkReport:
    """What processing a chunk did: cells claimed, and how many reached an outcome."""

    chunk: int
    claimed: int
    ended: int


async def process_chunk(
    *,
    store: RunStore,
    evaluator: Evaluator,
    lane: ModelLane,
    run_id: uuid.UUID,
    chunk: int,
    owner: str,
    lease_s: float,
    emit: Callable[[CellOutcome], None],
) -> ChunkReport:
    """Claim the chunk's open cells, answer cached ones from the cache, call the rest."""
    cells = await store.claim_chunk(run_id, chunk, owner=owner, lease_s=lease_s)
    if not cells:
        return ChunkReport(chunk, 0, 0)
    prepared = [evaluator.prepare(cell) for cell in cells]
    keys = [p.cache_key for p in prepared if p.cache_key]
    cached = await store.cached(evaluator.plan.workspace_id, keys)
    ended = await evaluate_all(evaluator, prepared, lane, cached, emit)
    return ChunkReport(chunk, len(cells), ended)
