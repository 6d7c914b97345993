"""Text checks: equals, contains and its variants, starts-with, regex."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from assay.domain.assertions.outcome import Outcome, quote, verdict
from assay.domain.assertions.values import as_text, is_scalar
from assay.domain.errors import AssertionConfigError
from assay.domain.models import AssertionSpec, GradingContext

# JavaScript writes named groups `(?<name>…)`; Python needs `(?P<name>…)`.
_JS_NAMED_GROUP = re.compile(r"(?<!\\)\(\?<(?![=!])")


def parse_equals(value: Any) -> Any:
    """Any value but null: objects and lists compare as JSON."""
    if value is None:
        raise AssertionConfigError("value is required")
    return value


def parse_substring(value: Any) -> str:
    """A non-empty string (numbers are written out as text)."""
    if not is_scalar(value) or value == "":
        raise AssertionConfigError("value must be a non-empty string")
    return as_text(value)


def parse_regex(value: Any) -> re.Pattern[str]:
    """A pattern that compiles."""
    if not isinstance(value, str) or not value:
        raise AssertionConfigError("value must be a non-empty regular expression")
    return compile_regex(value)


@lru_cache(maxsize=4096)
def compile_regex(pattern: str) -> re.Pattern[str]:
    """Compile once per distinct pattern."""
    try:
        return re.compile(_JS_NAMED_GROUP.sub("(?P<", pattern))
    except re.error as exc:
        raise AssertionConfigError(f"invalid regular expression {pattern!r}: {exc}") from exc


def json_equal(a: Any, b: Any) -> bool:
    """Deep equality that, like JavaScript, never takes `true` for `1`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def check_equals(
    value: Any, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """The output equals the value; an object or list value is compared with the parsed output."""
    if isinstance(value, dict | list | tuple):
        try:
            same = json_equal(value, json.loads(output))
        except ValueError:
            same = False
        expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    else:
        expected = as_text(value)
        same = output == expected
    return verdict(same, inverse, f"equal {quote(expected)}", subject=f"output {quote(output)}")


def check_contains(
    value: str, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """The output contains the value."""
    return verdict(value in output, inverse, f"contain {quote(value)}")


def check_icontains(
    value: str, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """The output contains the value, ignoring case."""
    found = value.casefold() in output.casefold()
    return verdict(found, inverse, f"contain {quote(value)} (ignoring case)")


def _any(items: tuple[str, ...], output: str, inverse: bool, fold: bool) -> Outcome:
    text = output.casefold() if fold else output
    found = any((item.casefold() if fold else item) in text for item in items)
    suffix = " (ignoring case)" if fold else ""
    return verdict(found, inverse, f"contain one of {quote(', '.join(items))}{suffix}")


def _all(items: tuple[str, ...], output: str, inverse: bool, fold: bool) -> Outcome:
    text = output.casefold() if fold else output
    missing = [item for item in items if (item.casefold() if fold else item) not in text]
    outcome = verdict(not missing, inverse, f"contain all of [{', '.join(items)}]")
    if not outcome.passed and not inverse:
        suffix = " (ignoring case)" if fold else ""
        return Outcome(False, 0.0, f"{outcome.reason}{suffix}. Missing: [{', '.join(missing)}]")
    return outcome


def check_contains_any(
    value: tuple[str, ...], output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """The output contains at least one of the values."""
    return _any(value, output, inverse, fold=False)


def check_icontains_any(
    value: tuple[str, ...], output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """The output contains at least one of the values, ignoring case."""
    return _any(value, output, inverse, fold=True)


def check_contains_all(
    value: tuple[str, ...], output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """The output contains every value."""
    return _all(value, output, inverse, fold=False)


def check_icontains_all(
    value: tuple[str, ...], output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """The output contains every value, ignoring case."""
    return _all(value, output, inverse, fold=True)


def check_starts_with(
    value: str, output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """The output starts with the value."""
    return verdict(output.startswith(value), inverse, f"start with {quote(value)}")


def check_regex(
    value: re.Pattern[str], output: str, spec: AssertionSpec, ctx: GradingContext, inverse: bool
) -> Outcome:
    """The pattern matches somewhere in the output."""
    found = value.search(output) is not None
    return verdict(found, inverse, f"match regex {quote(value.pattern)}")
