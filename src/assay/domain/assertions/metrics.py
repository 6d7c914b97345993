"""Call metrics: cost and latency, each under a `threshold`."""

from __future__ import annotations

from typing import Any

from assay.domain.assertions.outcome import PASSED, Outcome, failed
from assay.domain.models import AssertionSpec, GradingContext


def parse_ignored(value: Any) -> None:
    """These checks read the context, not the value."""
    return None


def _limit(spec: AssertionSpec) -> float:
    if spec.threshold is None:
        raise ValueError(f"{spec.type} needs a threshold")
    return spec.threshold


def _at_most(
    measured: float | None, spec: AssertionSpec, inverse: bool, *, unknown: str, describe: str
) -> Outcome:
    """Pass when `measured` is at most the threshold (`inverse`: more than it)."""
    limit = _limit(spec)
    if measured is None:
        return failed(unknown)
    if (measured <= limit) != inverse:
        return Outcome(True, 1.0, PASSED)
    relation = "less than or equal to" if inverse else "greater than"
    return failed(describe.format(measured=measured, relation=relation, limit=limit))


def check_cost(
    value: None, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """Pass when the call cost at most `threshold` USD (`not-cost`: more than)."""
    return _at_most(
        ctx.cost, spec, inverse,
        unknown="Cost is unknown: the provider did not report it for this call",
        describe="Cost {measured:.2g} is {relation} threshold {limit:g}",
    )  # fmt: skip


def check_latency(
    value: None, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """Pass when the call took at most `threshold` ms (`not-latency`: more than)."""
    return _at_most(
        ctx.latency_ms, spec, inverse,
        unknown="Latency is unknown for this call (a cached response has none)",
        describe="Latency {measured:g}ms is {relation} threshold {limit:g}ms",
    )  # fmt: skip
