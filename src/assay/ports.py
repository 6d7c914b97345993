"""Protocols the core depends on; adapters implement them, tests pass working fakes."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol

from assay.domain.models import ChatMessage, Completion, EvalSuite, ProviderSpec
from assay.domain.planning import PlannedCell
from assay.domain.run_state import CellOutcome, ClaimedCell, Progress, RunPlan


class LLMClient(Protocol):
    """Calls one model once; translates every failure into `assay.domain.errors.ProviderError`."""

    async def complete(
        self, provider: ProviderSpec, messages: Sequence[ChatMessage]
    ) -> Completion: ...

    async def aclose(self) -> None: ...


class Clock(Protocol):
    """Time, injected; always timezone-aware."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RunStore(Protocol):
    """Run state: plans, leased cells, outcomes, the response cache, progress."""

    async def load_plan(self, run_id: uuid.UUID) -> RunPlan: ...

    async def set_status(
        self, run_id: uuid.UUID, status: str, error: str | None = None
    ) -> None: ...

    async def status(self, run_id: uuid.UUID) -> str: ...

    async def open_chunks(self, run_id: uuid.UUID, provider_position: int) -> list[int]: ...

    async def claim_chunk(
        self, run_id: uuid.UUID, chunk: int, *, owner: str, lease_s: float
    ) -> list[ClaimedCell]: ...

    async def renew_leases(self, run_id: uuid.UUID, owner: str, lease_s: float) -> int: ...

    async def release(self, run_id: uuid.UUID, owners: Sequence[str]) -> int: ...

    async def lease_owners(self, run_id: uuid.UUID) -> list[str]: ...

    async def cached(
        self, workspace_id: uuid.UUID, keys: Sequence[str]
    ) -> dict[str, Completion]: ...

    async def write_outcomes(
        self, run_id: uuid.UUID, workspace_id: uuid.UUID, outcomes: Sequence[CellOutcome]
    ) -> None: ...

    async def cancel(self, run_id: uuid.UUID) -> None: ...

    async def reopen(self, run_id: uuid.UUID, *, retry_errors: bool) -> None: ...

    async def progress(self, run_id: uuid.UUID) -> Progress: ...


class RunCreator(Protocol):
    """Stores a suite and a planned run in one transaction."""

    async def create_run(
        self,
        *,
        workspace_id: uuid.UUID,
        suite: EvalSuite,
        suite_name: str,
        repeats: int,
        concurrency: int,
        use_cache: bool,
        cells: Iterable[PlannedCell],
        total_cells: int,
        run_id: uuid.UUID,
    ) -> uuid.UUID: ...


class ChunkQueue(Protocol):
    """The work queue of chunks: messages carry a run id and a chunk number, never payloads."""

    async def send_chunks(self, run_id: uuid.UUID, chunks: Sequence[int]) -> int: ...

    async def delay(self, receipt_handle: str, seconds: int) -> None: ...


class RunLauncher(Protocol):
    """Starts a run's workflow (named by the run id) and stops it on cancel."""

    async def start(self, run_id: uuid.UUID) -> str: ...

    async def stop(self, run_id: uuid.UUID, reason: str) -> None: ...
