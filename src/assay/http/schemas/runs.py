"""Request and response bodies of /v1/runs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assay.http.schemas.common import Name, Request
from assay.http.schemas.test_sets import AssertionIn

MAX_MODELS = 50
MAX_PROMPTS = 50


class ModelParams(Request):
    """Sampling parameters sent with every call."""

    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    top_p: float | None = Field(default=None, ge=0, le=1)
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    seed: int | None = None
    stop: str | list[str] | None = None
    response_format: dict[str, Any] | None = None


class ModelIn(Request):
    """A model to call: `openrouter:<model>` or `local:<name>`."""

    id: str = Field(min_length=3, max_length=300, pattern=r"^(openrouter|local):\S+$")
    label: str | None = Field(default=None, min_length=1, max_length=200)
    params: ModelParams = Field(default_factory=ModelParams)


class RunCreate(Request):
    """A run: one test set version × prompt versions × models × repeats."""

    name: Name | None = None
    test_set_version_id: uuid.UUID | None = None
    test_set_id: uuid.UUID | None = None
    prompt_version_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_PROMPTS)
    models: list[ModelIn] = Field(min_length=1, max_length=MAX_MODELS)
    assertions: list[AssertionIn] = Field(default_factory=list, max_length=100)
    repeats: int = Field(default=1, ge=1, le=100)
    concurrency: int = Field(default=10, ge=1, le=500)
    use_cache: bool = True

    @model_validator(mode="after")
    def _one_test_set(self) -> RunCreate:
        if (self.test_set_version_id is None) == (self.test_set_id is None):
            raise ValueError("give test_set_version_id or test_set_id (its latest version)")
        return self


class RunPromptOut(BaseModel):
    """A prompt as the run pinned it."""

    position: int
    label: str
    prompt_version_id: uuid.UUID | None


class RunModelOut(BaseModel):
    """A model as the run calls it."""

    position: int
    label: str
    id: str
    params: dict[str, Any]


class ProgressOut(BaseModel):
    """Cell counts from Postgres."""

    total: int
    pending: int
    running: int
    done: int
    failed: int
    cancelled: int
    passed: int
    cost: float


class SummaryOut(BaseModel):
    """Aggregates of one prompt × model."""

    prompt_label: str
    provider: str
    cells: int
    passed: int
    failed: int
    errors: int
    pending: int
    pass_rate: float | None
    mean_score: float | None
    cost: float
    prompt_tokens: int
    completion_tokens: int
    latency_p50_ms: float | None
    latency_p95_ms: float | None


class RunOverview(BaseModel):
    """A run's outcome in one line: totals over its prompt × model aggregates."""

    passed: int
    failed: int
    errors: int
    pass_rate: float | None
    cost: float


class RunOut(BaseModel):
    """A run; `progress` and `summary` only when reading one run; `overview` when reading one
    run, and in lists once the run has finished and kept its report."""

    id: uuid.UUID
    name: str | None
    status: str
    error: str | None = None
    test_set_version_id: uuid.UUID | None
    total_cells: int
    repeats: int
    concurrency: int
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    prompts: list[RunPromptOut] = Field(default_factory=list)
    models: list[RunModelOut] = Field(default_factory=list)
    test_set_id: uuid.UUID | None = None
    test_set_name: str | None = None
    test_set_version: int | None = None
    model_labels: list[str] = Field(default_factory=list)
    overview: RunOverview | None = None
    progress: ProgressOut | None = None
    summary: list[SummaryOut] | None = None


class RunPage(BaseModel):
    """Runs, newest first."""

    items: list[RunOut]
    next_cursor: str | None = None


ResultStatus = Literal["passed", "failed", "error", "pending", "cancelled"]


class ResultOut(BaseModel):
    """One cell with its result; the result fields are null while the cell has none."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    cell_id: uuid.UUID
    case_position: int
    test_case_id: uuid.UUID | None
    description: str | None
    vars: dict[str, Any]
    assertions: list[dict[str, Any]] = Field(
        default_factory=list, alias="assert", description="the case's own assertions"
    )
    prompt_label: str
    prompt_version_id: uuid.UUID | None
    provider: str
    repeat: int
    state: str
    output: str | None
    error: str | None
    passed: bool | None
    score: float | None
    grading: dict[str, Any] | None
    latency_ms: float | None
    prompt_tokens: int | None
    completion_tokens: int | None
    cost: float | None
    cached: bool | None
    finish_reason: str | None


class ResultPage(BaseModel):
    """One page of results, in (case, prompt, model, repeat) order."""

    items: list[ResultOut]
    next_cursor: str | None = None


Change = Literal["improved", "regressed", "unchanged", "new", "removed"]


class CellSide(BaseModel):
    """One run's side of a compared cell."""

    cell_id: uuid.UUID
    case_position: int
    outcome: Literal["pass", "fail", "error", "pending", "cancelled"]
    passed: bool | None
    score: float | None
    output: str | None
    error: str | None


class CompareItem(BaseModel):
    """A cell matched across two runs by (case vars, prompt label, model label, repeat)."""

    change: Change
    description: str | None
    vars: dict[str, Any]
    prompt_label: str
    provider: str
    repeat: int
    base: CellSide | None
    head: CellSide | None


class ComparePage(BaseModel):
    """Counts of every change and one page of compared cells."""

    base_run_id: uuid.UUID
    head_run_id: uuid.UUID
    counts: dict[str, int]
    items: list[CompareItem]
    next_cursor: str | None = None
