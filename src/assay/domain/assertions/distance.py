"""Edit distance: levenshtein (the output is within `threshold` edits of the value)."""

from __future__ import annotations

from typing import Any

from rapidfuzz.distance import Levenshtein

from assay.domain.assertions.outcome import PASSED, Outcome, failed
from assay.domain.assertions.values import as_text, is_scalar
from assay.domain.errors import AssertionConfigError
from assay.domain.models import AssertionSpec, GradingContext

DEFAULT_MAX_DISTANCE = 5.0


def parse_expected(value: Any) -> str:
    """The expected text."""
    if not is_scalar(value):
        raise AssertionConfigError("value must be the expected string")
    return as_text(value)


def check_levenshtein(
    value: str, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """Pass when the distance is at most `threshold` (default 5); `not-` passes when it is more."""
    limit = DEFAULT_MAX_DISTANCE if spec.threshold is None else spec.threshold
    distance = Levenshtein.distance(output, value)
    within = distance <= limit
    if within != inverse:
        return Outcome(True, 1.0, PASSED)
    if inverse:
        return failed(f"Levenshtein distance {distance} is not greater than threshold {limit:g}")
    return failed(f"Levenshtein distance {distance} is greater than threshold {limit:g}")
