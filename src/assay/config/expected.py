"""promptfoo's `__expected` shorthand: `contains: x`, `not-regex: y`, `levenshtein(3): z`…"""

from __future__ import annotations

import re

from assay.domain.models import AssertionSpec

# promptfoo's other assertion types: recognised here so `ends-with: x` is not read as `equals`;
# validate_assertion then says whether Assay runs them, and the CSV reader adds the line/column.
RECOGNISED = (
    "equals", "contains", "icontains", "contains-any", "contains-all", "icontains-any",
    "icontains-all", "starts-with", "ends-with", "regex", "is-json", "contains-json",
    "is-valid-json", "levenshtein", "cost", "latency", "python", "rouge-n", "bleu", "f-score",
    "is-xml", "contains-xml", "is-html", "contains-html", "is-sql", "contains-sql", "word-count",
    "finish-reason", "is-valid-function-call", "is-valid-openai-function-call",
    "is-valid-openai-tools-call", "tool-call-f1", "max-score", "guardrails", "ruby",
    "skill-used", "trace-error-spans", "trace-span-count", "trace-span-duration",
)  # fmt: skip
# Types that need JavaScript, an LLM judge or embeddings: refused here with a clear reason.
UNSUPPORTED = (
    "javascript", "llm-rubric", "model-graded-closedqa", "model-graded-factuality", "factuality",
    "similar", "answer-relevance", "context-faithfulness", "context-recall", "context-relevance",
    "classifier", "moderation", "perplexity", "perplexity-score", "select-best", "g-eval",
    "webhook", "pi", "is-refusal", "conversation-relevance", "gleu", "meteor", "agent-rubric",
    "search-rubric",
)  # fmt: skip
_LIST_TYPES = frozenset({"contains-any", "contains-all", "icontains-any", "icontains-all"})
_LEGACY_CODE = ("javascript:", "fn:", "eval:", "grade:", "llm-rubric:")


def _alternation(names: tuple[str, ...]) -> str:
    # longest first, so `contains-any` wins over `contains`
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


_SHORTHAND = re.compile(
    rf"^(not-)?({_alternation(RECOGNISED + UNSUPPORTED)})(?:\((\d+(?:\.\d+)?)\))?(?::([\s\S]*))?$"
)


class ExpectedError(ValueError):
    """An `__expected` string that Assay cannot turn into an assertion."""


def _is_python_file(text: str) -> bool:
    return text.startswith("file://") and (text.endswith(".py") or ".py:" in text)


def assertion_from_expected(text: str) -> AssertionSpec:
    """Parse one `__expected` cell; raises ExpectedError for types Assay does not support."""
    for prefix in _LEGACY_CODE:
        if text.startswith(prefix):
            raise ExpectedError(
                f"unsupported assertion prefix '{prefix}' (needs JavaScript or an LLM judge)"
            )
    if text.startswith("python:"):
        return AssertionSpec(type="python", value=text[len("python:") :].strip())
    if _is_python_file(text):
        return AssertionSpec(type="python", value=text.strip())
    if text.startswith("file://"):
        raise ExpectedError(f"unsupported assertion file '{text}' (only .py files are supported)")
    match = _SHORTHAND.match(text)
    if match is None:
        return AssertionSpec(type="equals", value=text)
    negated, kind, threshold, value = match.groups()
    full = (negated or "") + kind
    if kind in UNSUPPORTED:
        raise ExpectedError(
            f"unsupported assertion type '{full}' (needs JavaScript or an LLM judge)"
        )
    parsed: object = value.strip() if value is not None else None
    if kind in _LIST_TYPES:
        parsed = [part.strip() for part in (value or "").split(",")]
    return AssertionSpec(
        type=full,
        value=parsed,
        threshold=float(threshold) if threshold is not None else None,
    )
