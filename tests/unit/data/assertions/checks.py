"""Fixture python assertions for tests/unit/test_python_assertion.py."""

from dataclasses import dataclass


@dataclass
class GradingResult:
    pass_: bool
    score: float
    reason: str


def get_assert(output, context):
    return {"pass": "hello" in output, "score": 0.75, "reason": f"topic={context['vars']['topic']}"}


def length_score(output, context):
    return len(output) / 10


def as_dataclass(output, context):
    return GradingResult(pass_=output.isupper(), score=0.5, reason="upper-case check")


def raises(output, context):
    raise KeyError("missing-key")


def mutates(output, context):
    context["vars"]["topic"] = "changed"
    return True


def exits(output, context):
    raise SystemExit(3)


NOT_CALLABLE = 42
