"""Run planning: expand case × prompt × model × repeat into cells with stable ids, in chunks."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

# Cell ids are uuid5 under this namespace, so planning the same run twice yields the same ids.
CELL_NAMESPACE = uuid.UUID("5b1f3c4e-8a52-4c1e-9d0a-7f6b2e1a9c30")


@dataclass(frozen=True, slots=True)
class PlannedCell:
    """One evaluation to perform: a case, a prompt, a model and a repeat index."""

    id: uuid.UUID
    chunk: int
    case_position: int
    prompt_position: int
    provider_position: int
    repeat: int


def cell_id(run_id: uuid.UUID, case: int, prompt: int, provider: int, repeat: int) -> uuid.UUID:
    """The stable id of a cell within a run."""
    return uuid.uuid5(CELL_NAMESPACE, f"{run_id}:{case}:{prompt}:{provider}:{repeat}")


def chunk_count(*, cases: int, prompts: int, repeats: int, providers: int, chunk_size: int) -> int:
    """How many chunks `plan_cells` yields for this shape."""
    per_model = cases * prompts * repeats
    return providers * math.ceil(per_model / chunk_size) if per_model else 0


def plan_cells(
    run_id: uuid.UUID,
    *,
    cases: int,
    prompts: int,
    providers: int,
    repeats: int = 1,
    chunk_size: int = 100,
) -> Iterator[PlannedCell]:
    """Yield every cell of a run; each chunk holds cells of one model only."""
    if min(cases, prompts, providers, repeats) < 0 or chunk_size < 1:
        raise ValueError("counts must be >= 0 and chunk_size >= 1")
    chunk = 0
    for provider in range(providers):
        in_chunk = 0
        for case in range(cases):
            for prompt in range(prompts):
                for repeat in range(repeats):
                    if in_chunk == chunk_size:
                        chunk += 1
                        in_chunk = 0
                    yield PlannedCell(
                        cell_id(run_id, case, prompt, provider, repeat),
                        chunk,
                        case,
                        prompt,
                        provider,
                        repeat,
                    )
                    in_chunk += 1
        if in_chunk:
            chunk += 1
