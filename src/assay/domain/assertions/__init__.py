"""Assertions with promptfoo's names and semantics (being built: see issue 2)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assay.domain.models import AssertionSpec, GradingContext, GradingResult

CodeRunner = Callable[[AssertionSpec, str, GradingContext], Any]


def validate_assertion(spec: AssertionSpec, *, allow_code: bool) -> None:
    """Raise AssertionConfigError when `spec` is unknown or malformed."""
    raise NotImplementedError


def grade(
    specs: Sequence[AssertionSpec],
    output: str,
    context: GradingContext,
    *,
    threshold: float | None = None,
    code_runner: CodeRunner | None = None,
) -> GradingResult:
    """Judge one output against a case's assertions."""
    raise NotImplementedError
