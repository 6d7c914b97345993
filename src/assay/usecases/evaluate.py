"""Evaluating cells: render, consult the cache, call the model through its lane, grade."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from assay.domain.assertions import CodeRunner, grade
from assay.domain.cache_keys import response_cache_key
from assay.domain.errors import ProviderError, TemplateError
from assay.domain.models import ChatMessage, Completion, GradingContext, GradingResult
from assay.domain.run_state import CellOutcome, ClaimedCell, RunPlan
from assay.domain.templates import case_label, prompt_text, render_prompt
from assay.ports import LLMClient
from assay.usecases.calling import ModelLane

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A claimed cell with its rendered messages (or why they could not be rendered)."""

    cell: ClaimedCell
    messages: tuple[ChatMessage, ...] = ()
    cache_key: str | None = None
    error: TemplateError | None = None


class _Stopped(Exception):
    """The run stopped before this call was sent; raised through the lane, caught below."""


@dataclass
class Evaluator:
    """Turns claimed cells into outcomes; holds nothing but the run's plan and its ports.

    `may_call`, when given, is asked right before each call is sent (after its lane granted a
    slot): a False stops the evaluator, so a cell cancelled after its lease is never called.
    """

    plan: RunPlan
    llm: LLMClient
    code_runner: CodeRunner | None = None
    stopped: asyncio.Event = field(default_factory=asyncio.Event)
    may_call: Callable[[], Awaitable[bool]] | None = None

    def prepare(self, cell: ClaimedCell) -> Prepared:
        """Render the cell's prompt and derive its cache key."""
        provider = self.plan.providers[cell.provider_position]
        try:
            messages = render_prompt(
                self.plan.prompts[cell.prompt_position],
                cell.case.vars,
                case=case_label(cell.case_position, cell.case.description),
            )
        except TemplateError as exc:
            return Prepared(cell, error=exc)
        key = None
        if self.plan.use_cache and provider.kind != "local":
            key = response_cache_key(provider, messages, cell.repeat)
        return Prepared(cell, messages, key)

    async def evaluate(
        self, prepared: Prepared, lane: ModelLane, cached: Completion | None
    ) -> CellOutcome | None:
        """One cell's outcome, or None when the run stopped before its call."""
        cell = prepared.cell
        provider = self.plan.providers[cell.provider_position]
        if prepared.error is not None:
            return CellOutcome(
                cell_id=cell.id,
                state="failed",
                error=prepared.error.message,
                error_code=prepared.error.code,
                attempts=0,
            )
        attempts, completion = 0, cached
        if completion is None:
            if self.stopped.is_set():
                return None

            async def send() -> Completion:
                if self.stopped.is_set() or (self.may_call and not await self.may_call()):
                    self.stopped.set()
                    raise _Stopped
                return await self.llm.complete(provider, prepared.messages)

            try:
                completion, attempts = await lane.call(send)
            except _Stopped:
                return None
            except ProviderError as exc:
                log.info(
                    "cell failed",
                    extra={
                        "cell_id": str(cell.id),
                        "model": provider.model,
                        "error_code": exc.code,
                    },
                )
                return CellOutcome(
                    cell_id=cell.id,
                    state="failed",
                    error=exc.message,
                    error_code=exc.code,
                    attempts=int(exc.details.get("attempts", 1)),
                )
        return CellOutcome(
            cell_id=cell.id,
            state="done",
            completion=completion,
            attempts=attempts,
            grading=self._grade(prepared, completion),
            cache_key=prepared.cache_key,
            cache_model=provider.model,
        )

    def _grade(self, prepared: Prepared, completion: Completion) -> GradingResult:
        cell = prepared.cell
        context = GradingContext(
            vars=cell.case.vars,
            prompt=prompt_text(prepared.messages),
            latency_ms=completion.latency_ms,
            cost=completion.usage.cost,
            provider=self.plan.providers[cell.provider_position].label,
            description=cell.case.description,
            allow_code=self.code_runner is not None,
        )
        try:
            return grade(
                cell.case.assertions,
                completion.text,
                context,
                threshold=cell.case.threshold,
                code_runner=self.code_runner,
            )
        except Exception as exc:  # a grading bug must cost one cell, not the whole run
            log.exception("grading failed", extra={"cell_id": str(cell.id)})
            return GradingResult(passed=False, score=0.0, reason=f"grading failed: {exc}")


async def evaluate_all(
    evaluator: Evaluator,
    prepared: Sequence[Prepared],
    lane: ModelLane,
    cached: dict[str, Completion],
    emit: Callable[[CellOutcome], None],
) -> int:
    """Evaluate cells concurrently (the lane bounds the calls); returns how many ended."""
    ended = 0

    async def one(item: Prepared) -> None:
        nonlocal ended
        hit = cached.get(item.cache_key) if item.cache_key else None
        outcome = await evaluator.evaluate(item, lane, hit)
        if outcome is not None:
            emit(outcome)
            ended += 1

    async with asyncio.TaskGroup() as group:
        for item in prepared:
            group.create_task(one(item))
    return ended
