"""Grading one output: run each assertion, then combine their scores as promptfoo does."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from assay.domain.assertions.outcome import Outcome, failed
from assay.domain.assertions.python_code import judge_python_result
from assay.domain.assertions.registry import KINDS, split_type
from assay.domain.assertions.templating import render_metric, render_value
from assay.domain.assertions.validation import CODE_ONLY_LOCALLY, unknown_type_error
from assay.domain.errors import AssayError
from assay.domain.models import AssertionResult, AssertionSpec, GradingContext, GradingResult

CodeRunner = Callable[[AssertionSpec, str, GradingContext], Any]

# Absorbs float noise such as 0.1 + 0.2 so a score that "is" the threshold reaches it.
_EPSILON = 1e-9


def grade(
    specs: Sequence[AssertionSpec],
    output: str,
    context: GradingContext,
    *,
    threshold: float | None = None,
    code_runner: CodeRunner | None = None,
) -> GradingResult:
    """Judge one output against a case's assertions.

    The score is the weight-averaged assertion score. With a numeric `threshold` the output
    passes when that score reaches it; otherwise every assertion must pass. A weight-0
    assertion is reported but can neither fail the output nor move its score.
    """
    if not specs:
        return GradingResult(passed=True, score=1.0, reason="No assertions")
    results = tuple(run_assertion(spec, output, context, code_runner) for spec in specs)
    total_weight = sum(r.weight for r in results)
    score = sum(r.score * r.weight for r in results) / total_weight if total_weight > 0 else 0.0
    if threshold is not None and not math.isnan(threshold):
        passed = score + _EPSILON >= threshold
        reason = f"Aggregate score {score:.2f} {'≥' if passed else '<'} {threshold:g} threshold"
    else:
        failures = [r for r in results if not r.passed]
        passed = not failures
        reason = failures[-1].reason if failures else "All assertions passed"
    return GradingResult(passed=passed, score=score, reason=reason, results=results)


def run_assertion(
    spec: AssertionSpec, output: str, context: GradingContext, code_runner: CodeRunner | None
) -> AssertionResult:
    """One assertion's result; a bad value or failing user code fails it rather than the run."""
    outcome = _judge(spec, output, context, code_runner)
    return AssertionResult(
        type=spec.type,
        # promptfoo: weight 0 makes an assertion a metric that cannot fail the test.
        passed=outcome.passed or spec.weight == 0,
        score=outcome.score,
        reason=outcome.reason,
        weight=spec.weight,
        metric=render_metric(spec.metric, context.vars),
    )


def _judge(
    spec: AssertionSpec, output: str, context: GradingContext, code_runner: CodeRunner | None
) -> Outcome:
    base, inverse = split_type(spec.type)
    kind = KINDS.get(base)
    if kind is None:
        return failed(unknown_type_error(spec.type).message)
    if base == "python" and code_runner is None:
        return failed(CODE_ONLY_LOCALLY)
    try:
        value = render_value(spec.value, context.vars)
        prepared = kind.parse(value)
        if base == "python":
            assert code_runner is not None
            return _run_python(
                spec.model_copy(update={"value": value}), output, context, inverse, code_runner
            )
        return kind.check(prepared, output, spec, context, inverse)
    except AssayError as exc:
        return failed(f"{spec.type} assertion: {exc.message}")
    except Exception as exc:  # a check must never take the whole run down
        return failed(f"{spec.type} assertion failed to run: {type(exc).__name__}: {exc}")


def _run_python(
    spec: AssertionSpec,
    output: str,
    context: GradingContext,
    inverse: bool,
    code_runner: CodeRunner,
) -> Outcome:
    try:
        result = code_runner(spec, output, context)
        return judge_python_result(result, spec, inverse)
    except AssayError as exc:
        return failed(f"Python code execution failed: {exc.message}")
    except Exception as exc:  # user code: any exception becomes the assertion's reason
        return failed(f"Python code execution failed: {type(exc).__name__}: {exc}")
