"""How grade() combines assertions: weights, thresholds, weight 0, and python results."""

from __future__ import annotations

from typing import Any

import pytest

from assay.domain.assertions import grade
from assay.domain.models import AssertionSpec, GradingContext

CTX = GradingContext()


def contains(value: str, weight: float = 1.0) -> AssertionSpec:
    return AssertionSpec(type="contains", value=value, weight=weight)


def test_no_assertions_pass_with_full_score() -> None:
    result = grade([], "anything", CTX)
    assert (result.passed, result.score, result.reason, result.results) == (
        True,
        1.0,
        "No assertions",
        (),
    )


def test_all_pass() -> None:
    result = grade([contains("a"), contains("b")], "ab", CTX)
    assert (result.passed, result.score, result.reason) == (True, 1.0, "All assertions passed")


def test_without_threshold_any_failure_fails_the_output() -> None:
    result = grade([contains("a"), contains("x"), contains("y")], "ab", CTX)
    assert not result.passed
    assert result.score == pytest.approx(1 / 3)
    assert result.reason == 'Expected output to contain "y"'  # the last failure, as promptfoo
    assert [r.passed for r in result.results] == [True, False, False]


def test_weighted_mean() -> None:
    result = grade([contains("a", 3), contains("x", 1)], "a", CTX)
    assert result.score == pytest.approx(0.75)
    assert [r.weight for r in result.results] == [3, 1]


@pytest.mark.parametrize(
    ("threshold", "passed", "reason"),
    [
        (0.75, True, "Aggregate score 0.75 ≥ 0.75 threshold"),
        (0.5, True, "Aggregate score 0.75 ≥ 0.5 threshold"),
        (0.8, False, "Aggregate score 0.75 < 0.8 threshold"),
        (0, True, "Aggregate score 0.75 ≥ 0 threshold"),
    ],
)
def test_test_threshold_overrides_individual_failures(
    threshold: float, passed: bool, reason: str
) -> None:
    result = grade([contains("a", 3), contains("x", 1)], "a", CTX, threshold=threshold)
    assert (result.passed, result.reason) == (passed, reason)
    assert not result.results[1].passed  # the assertion itself still reports its failure


def test_threshold_tolerates_float_noise() -> None:
    specs = [contains("a", 0.1), contains("a", 0.2), contains("x", 0.7)]
    result = grade(specs, "a", CTX, threshold=0.3)
    assert result.passed


def test_nan_threshold_is_ignored() -> None:
    result = grade([contains("a"), contains("x")], "a", CTX, threshold=float("nan"))
    assert not result.passed
    assert result.reason == 'Expected output to contain "x"'


def test_weight_zero_is_reported_but_cannot_fail_or_score() -> None:
    result = grade([contains("a"), contains("x", weight=0)], "a", CTX)
    assert result.passed
    assert result.score == 1.0
    zero = result.results[1]
    assert (zero.passed, zero.score, zero.weight) == (True, 0.0, 0.0)
    assert zero.reason == 'Expected output to contain "x"'


def test_only_weight_zero_assertions_score_zero_like_promptfoo() -> None:
    result = grade([contains("a", weight=0)], "a", CTX)
    assert (result.passed, result.score) == (True, 0.0)


def test_unknown_type_fails_the_assertion_not_the_run() -> None:
    result = grade([AssertionSpec(type="contians", value="a")], "a", CTX)
    assert not result.passed
    assert "unknown assertion type 'contians'" in result.results[0].reason


def test_bad_value_fails_the_assertion_not_the_run() -> None:
    result = grade([AssertionSpec(type="contains", value=None), contains("a")], "a", CTX)
    assert [r.passed for r in result.results] == [False, True]
    assert result.results[0].reason == "contains assertion: value must be a non-empty string"


def test_python_without_a_runner_fails_with_reason() -> None:
    for type_ in ("python", "not-python"):
        result = grade([AssertionSpec(type=type_, value="True")], "x", CTX)
        assert not result.passed
        assert result.results[0].reason == "python assertions run only in the local CLI"


def runner_returning(value: Any) -> Any:
    def run(spec: AssertionSpec, output: str, context: GradingContext) -> Any:
        return value

    return run


@pytest.mark.parametrize(
    ("returned", "threshold", "passed", "score"),
    [
        (True, None, True, 1.0),
        (False, None, False, 0.0),
        ("true", None, True, 1.0),
        ("False", None, False, 0.0),
        (0.4, None, True, 0.4),
        (0, None, False, 0.0),
        (0.4, 0.5, False, 0.4),
        (0.5, 0.5, True, 0.5),
        (7, None, True, 7.0),
        ("0.9", None, True, 0.9),
        ({"pass": True, "score": 0.8, "reason": "ok"}, None, True, 0.8),
        ({"pass": True, "score": 0.3, "reason": "ok"}, 0.5, False, 0.3),
        ({"pass_": False, "score": 0.1, "reason": "no"}, None, False, 0.1),
        ({"pass": True}, None, True, 1.0),
        ('{"pass": false, "score": 0, "reason": "json text"}', None, False, 0.0),
    ],
)
def test_python_results_are_read_like_promptfoo(
    returned: Any, threshold: float | None, passed: bool, score: float
) -> None:
    spec = AssertionSpec(type="python", value="ignored", threshold=threshold)
    result = grade([spec], "out", CTX, code_runner=runner_returning(returned)).results[0]
    assert (result.passed, result.score) == (passed, pytest.approx(score))
    inverse = spec.model_copy(update={"type": "not-python"})
    flipped = grade([inverse], "out", CTX, code_runner=runner_returning(returned)).results[0]
    # A boolean's score follows the (inverted) verdict; a returned score is kept as it is.
    boolean = str(returned).lower() in ("true", "false")
    kept = 1.0 - score if boolean else score
    assert (flipped.passed, flipped.score) == (not passed, pytest.approx(kept))


def test_python_reasons() -> None:
    def reason(returned: Any, **spec: Any) -> str:
        spec = {"type": "python", "value": "x", **spec}
        run = runner_returning(returned)
        return grade([AssertionSpec(**spec)], "o", CTX, code_runner=run).results[0].reason

    assert reason(False) == "Python code returned False"
    assert reason(True, type="not-python") == "Python code returned True"
    assert reason(0) == "Python score 0 is not above 0"
    assert reason(0.2, threshold=0.5) == "Python score 0.2 is less than threshold 0.5"
    assert reason({"pass": False, "score": 0, "reason": "too short"}) == "too short"
    assert reason({"pass": True, "score": 0.3, "reason": "meh"}, threshold=0.5) == (
        "Python score 0.3 is less than threshold 0.5: meh"
    )
    assert reason({"pass": True, "score": 1, "reason": "great"}) == "great"


@pytest.mark.parametrize(
    ("returned", "fragment"),
    [
        (None, "not NoneType"),
        ([1], "not list"),
        ("maybe", "text that is not a result"),
        ({"score": 1}, "boolean 'pass'"),
        ({"pass": True, "score": "high"}, "numeric 'score'"),
        (float("nan"), "NaN"),
    ],
)
def test_python_bad_results_fail_with_reason(returned: Any, fragment: str) -> None:
    spec = AssertionSpec(type="python", value="x")
    result = grade([spec], "o", CTX, code_runner=runner_returning(returned)).results[0]
    assert not result.passed
    assert result.reason.startswith("Python code execution failed: ")
    assert fragment in result.reason


def test_python_runner_exception_becomes_the_reason() -> None:
    def explode(spec: AssertionSpec, output: str, context: GradingContext) -> Any:
        raise ZeroDivisionError("division by zero")

    result = grade([AssertionSpec(type="python", value="1/0")], "o", CTX, code_runner=explode)
    assert not result.passed
    assert result.reason == "Python code execution failed: ZeroDivisionError: division by zero"


def test_python_runner_gets_the_rendered_value() -> None:
    seen: list[Any] = []

    def record(spec: AssertionSpec, output: str, context: GradingContext) -> Any:
        seen.append(spec.value)
        return True

    spec = AssertionSpec(type="python", value="output == '{{ want }}'")
    grade([spec], "o", GradingContext(vars={"want": "yes"}), code_runner=record)
    assert seen == ["output == 'yes'"]
