"""What an export file says about the run as a whole."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from assay.domain.models import RunStatus

# A run read back after the engine stopped short of its total (interrupted, budget, crash).
ExportStatus = RunStatus | Literal["incomplete"]


class RunMeta(BaseModel):
    """A run's identity and totals, written at the head of `.json` and `.xml` exports.

    `var_names` is a hint for the CSV writer: the test set's variable names in column order.
    Without it the CSV writer takes them from the first records it sees.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str
    description: str | None = None
    created_at: AwareDatetime
    source: str | None = None
    status: ExportStatus
    cells: int = Field(ge=0)
    passed: int = Field(ge=0)
    failed: int = Field(ge=0)
    errors: int = Field(ge=0)
    duration_s: float | None = Field(default=None, ge=0)
    cost: float = 0.0
    var_names: tuple[str, ...] | None = None

    def created_iso(self) -> str:
        """Creation time as ISO 8601 with its offset, to the second."""
        return self.created_at.isoformat(timespec="seconds")
