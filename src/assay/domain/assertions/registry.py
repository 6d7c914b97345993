"""Which assertion types exist: each base type's value parser and check; `not-` inverts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assay.domain.assertions import distance, json_checks, metrics, python_code, text
from assay.domain.assertions.outcome import Outcome
from assay.domain.assertions.values import as_list
from assay.domain.models import AssertionSpec, GradingContext

Check = Callable[[Any, str, AssertionSpec, GradingContext, bool], Outcome]
NOT_PREFIX = "not-"


def _run_elsewhere(
    value: Any, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    raise NotImplementedError("python assertions are run by a CodeRunner")


@dataclass(frozen=True, slots=True)
class Kind:
    """A base assertion type: `parse` checks and prepares the value (cached), `check` judges."""

    parse: Callable[[Any], Any]
    check: Check
    needs_threshold: bool = False


KINDS: dict[str, Kind] = {
    "equals": Kind(text.parse_equals, text.check_equals),
    "contains": Kind(text.parse_substring, text.check_contains),
    "icontains": Kind(text.parse_substring, text.check_icontains),
    "contains-any": Kind(as_list, text.check_contains_any),
    "contains-all": Kind(as_list, text.check_contains_all),
    "icontains-any": Kind(as_list, text.check_icontains_any),
    "icontains-all": Kind(as_list, text.check_icontains_all),
    "starts-with": Kind(text.parse_substring, text.check_starts_with),
    "regex": Kind(text.parse_regex, text.check_regex),
    "is-json": Kind(json_checks.parse_schema, json_checks.check_is_json),
    "contains-json": Kind(json_checks.parse_schema, json_checks.check_contains_json),
    "levenshtein": Kind(distance.parse_expected, distance.check_levenshtein),
    "cost": Kind(metrics.parse_ignored, metrics.check_cost, needs_threshold=True),
    "latency": Kind(metrics.parse_ignored, metrics.check_latency, needs_threshold=True),
    "python": Kind(python_code.parse_python, _run_elsewhere),
}

SUPPORTED_TYPES: frozenset[str] = frozenset(KINDS) | frozenset(NOT_PREFIX + k for k in KINDS)

# promptfoo types Assay knows by name but does not run (model-graded, JavaScript, ...).
UNSUPPORTED_TYPES: frozenset[str] = frozenset(
    {
        "agent-rubric", "answer-relevance", "assert-set", "bleu", "classifier", "contains-html",
        "contains-sql", "contains-xml", "context-faithfulness", "context-recall",
        "context-relevance", "conversation-relevance", "ends-with", "f-score", "factuality",
        "finish-reason", "g-eval", "gleu", "guardrails", "is-html", "is-refusal", "is-sql",
        "is-valid-function-call", "is-valid-openai-function-call", "is-valid-openai-tools-call",
        "is-xml", "javascript", "llm-rubric", "max-score", "meteor", "model-graded-closedqa",
        "model-graded-factuality", "moderation", "perplexity", "perplexity-score", "pi",
        "rouge-n", "ruby", "search-rubric", "select-best", "similar", "skill-used",
        "tool-call-f1", "trace-error-spans", "trace-span-count", "trace-span-duration",
        "webhook", "word-count",
    }
)  # fmt: skip
_UNSUPPORTED_PREFIXES = ("similar:", "trajectory:", "promptfoo:", "select-", "model-graded-")


def split_type(name: str) -> tuple[str, bool]:
    """The base type and whether the `not-` form inverts it."""
    if name.startswith(NOT_PREFIX):
        return name[len(NOT_PREFIX) :], True
    return name, False


def is_known_unsupported(base: str) -> bool:
    """A promptfoo type that Assay deliberately does not run."""
    return base in UNSUPPORTED_TYPES or base.startswith(_UNSUPPORTED_PREFIXES)
