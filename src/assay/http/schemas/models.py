"""Response bodies of /v1/models."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class ModelOut(BaseModel):
    """A model a run can call: `openrouter:<id>` from the cached catalog, or `local:<name>`."""

    id: str
    source: Literal["openrouter", "local"]
    name: str | None = None
    context_length: int | None = None
    prompt_price: float | None = None
    completion_price: float | None = None
    refreshed_at: datetime | None = None


class ModelPage(BaseModel):
    """Local models first (on the first page), then the cached catalog by id."""

    items: list[ModelOut]
    next_cursor: str | None = None


class RefreshOut(BaseModel):
    """How many models the refreshed catalog holds."""

    models: int
