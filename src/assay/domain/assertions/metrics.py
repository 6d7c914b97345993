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


def check_cost(
    value: None, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """Pass when the call cost at most `threshold` USD (`not-cost`: more than)."""
    limit = _limit(spec)
    if ctx.cost is None:
        return failed("Cost is unknown: the provider did not report it for this call")
    if (ctx.cost <= limit) != inverse:
        return Outcome(True, 1.0, PASSED)
    relation = "less than or equal to" if inverse else "greater than"
    return failed(f"Cost {ctx.cost:.2g} is {relation} threshold {limit:g}")


def check_latency(
    value: None, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """Pass when the call took at most `threshold` ms (`not-latency`: more than)."""
    limit = _limit(spec)
    if ctx.latency_ms is None:
        return failed("Latency is unknown for this call (a cached response has none)")
    if (ctx.latency_ms <= limit) != inverse:
        return Outcome(True, 1.0, PASSED)
    relation = "less than or equal to" if inverse else "greater than"
    return failed(f"Latency {ctx.latency_ms:g}ms is {relation} threshold {limit:g}ms")
