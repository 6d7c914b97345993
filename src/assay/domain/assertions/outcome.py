"""The verdict one check reaches before it becomes an `AssertionResult`."""

from __future__ import annotations

from dataclasses import dataclass

PASSED = "Assertion passed"
_MAX_QUOTE = 200


@dataclass(frozen=True, slots=True)
class Outcome:
    """Pass/fail, score and reason of one check."""

    passed: bool
    score: float
    reason: str


def failed(reason: str) -> Outcome:
    """A failure with score 0."""
    return Outcome(False, 0.0, reason)


def verdict(matched: bool, inverse: bool, expectation: str, subject: str = "output") -> Outcome:
    """A boolean check: `not-` forms pass when the plain form would fail."""
    passed = matched != inverse
    if passed:
        return Outcome(True, 1.0, PASSED)
    return failed(f"Expected {subject} to {'not ' if inverse else ''}{expectation}")


def quote(text: str) -> str:
    """`text` in double quotes, cut short so reasons stay small in 100k-cell runs."""
    if len(text) > _MAX_QUOTE:
        text = text[:_MAX_QUOTE] + "…"
    return f'"{text}"'
