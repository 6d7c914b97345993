"""levenshtein, cost and latency."""

from __future__ import annotations

import pytest

from assay.domain.assertions import grade
from assay.domain.models import AssertionResult, AssertionSpec, GradingContext


def judge(spec: AssertionSpec, output: str = "", **context: float | None) -> AssertionResult:
    return grade([spec], output, GradingContext(**context)).results[0]


@pytest.mark.parametrize(
    ("expected", "output", "threshold", "passed"),
    [
        ("kitten", "sitting", None, True),  # distance 3 <= default 5
        ("kitten", "kitten", 0, True),
        ("kitten", "sitting", 2, False),
        ("kitten", "sitting", 3, True),
        ("", "abcdef", None, False),
        ("", "", 0, True),
        ("naïve café", "naive cafe", 2, True),
        ("日本語", "日本", 1, True),
    ],
)
def test_levenshtein(expected: str, output: str, threshold: float | None, passed: bool) -> None:
    spec = AssertionSpec(type="levenshtein", value=expected, threshold=threshold)
    assert judge(spec, output).passed is passed
    inverse = AssertionSpec(type="not-levenshtein", value=expected, threshold=threshold)
    assert judge(inverse, output).passed is not passed


def test_levenshtein_reasons() -> None:
    far = judge(AssertionSpec(type="levenshtein", value="abc", threshold=1), "xyz")
    assert far.reason == "Levenshtein distance 3 is greater than threshold 1"
    near = judge(AssertionSpec(type="not-levenshtein", value="abc"), "abd")
    assert near.reason == "Levenshtein distance 1 is not greater than threshold 5"


def test_levenshtein_templated_value() -> None:
    spec = AssertionSpec(type="levenshtein", value="Hello {{ name }}", threshold=1)
    result = grade([spec], "Hello Adb", GradingContext(vars={"name": "Ada"}))
    assert result.passed


def test_cost() -> None:
    spec = AssertionSpec(type="cost", threshold=0.001)
    assert judge(spec, cost=0.0005).passed
    assert judge(spec, cost=0.001).passed
    over = judge(spec, cost=0.0042)
    assert not over.passed
    assert over.reason == "Cost 0.0042 is greater than threshold 0.001"


def test_not_cost() -> None:
    spec = AssertionSpec(type="not-cost", threshold=0.001)
    assert judge(spec, cost=0.002).passed
    under = judge(spec, cost=0.0005)
    assert not under.passed
    assert under.reason == "Cost 0.0005 is less than or equal to threshold 0.001"


def test_latency() -> None:
    spec = AssertionSpec(type="latency", threshold=1000)
    assert judge(spec, latency_ms=999.5).passed
    slow = judge(spec, latency_ms=1500)
    assert not slow.passed
    assert slow.reason == "Latency 1500ms is greater than threshold 1000ms"
    assert judge(AssertionSpec(type="not-latency", threshold=1000), latency_ms=1500).passed


def test_missing_metrics_fail_with_a_reason() -> None:
    cost = judge(AssertionSpec(type="cost", threshold=1))
    assert not cost.passed
    assert "did not report it" in cost.reason
    latency = judge(AssertionSpec(type="latency", threshold=1))
    assert not latency.passed
    assert "Latency is unknown" in latency.reason
    # The not- forms cannot pass on a number that is missing either.
    assert not judge(AssertionSpec(type="not-cost", threshold=1)).passed


def test_metric_without_threshold_fails_rather_than_raising() -> None:
    result = judge(AssertionSpec(type="cost"), cost=0.1)
    assert not result.passed
    assert "needs a threshold" in result.reason
