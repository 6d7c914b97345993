"""Run-level values the engine, the CLI and the API share."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import Field

from assay.domain.models import (
    CellState,
    ChatMessage,
    Completion,
    Frozen,
    GradingResult,
    PromptTemplate,
    ProviderSpec,
    RunStatus,
    TestCase,
)


class RunPlan(Frozen):
    """What a run evaluates, as stored with it."""

    run_id: uuid.UUID
    workspace_id: uuid.UUID
    status: RunStatus
    name: str | None = None
    prompts: tuple[PromptTemplate, ...]
    providers: tuple[ProviderSpec, ...]
    repeats: int = 1
    concurrency: int = 10
    use_cache: bool = True
    total_cells: int = 0


class ClaimedCell(Frozen):
    """A cell this worker holds a lease on, with its case."""

    id: uuid.UUID
    case_position: int
    prompt_position: int
    provider_position: int
    repeat: int
    attempts: int
    case: TestCase


class CellOutcome(Frozen):
    """What a worker learned about one cell, ready to store."""

    cell_id: uuid.UUID
    state: CellState
    completion: Completion | None = None
    grading: GradingResult | None = None
    error: str | None = None
    error_code: str | None = None
    attempts: int = 1
    cache_key: str | None = None
    cache_model: str | None = None
    messages: tuple[ChatMessage, ...] = ()


class Progress(Frozen):
    """Cell counts of a run, read from Postgres."""

    total: int = 0
    pending: int = 0
    leased: int = 0
    done: int = 0
    failed: int = 0
    cancelled: int = 0
    passed: int = 0
    cost: float = 0.0
    extra: dict[str, Any] = Field(default_factory=dict)

    @property
    def finished(self) -> int:
        return self.done + self.failed + self.cancelled
