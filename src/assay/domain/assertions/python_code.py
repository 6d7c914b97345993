"""The `python` assertion's value (inline code or a file reference) and how its result is judged.

Running the code is an adapter's job (`assay.adapters.python_assertion`); compiling it and
reading what it returned are pure, so they live here.
"""

from __future__ import annotations

import ast
import json
import math
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from types import CodeType
from typing import Any

from assay.domain.assertions.outcome import PASSED, Outcome, failed
from assay.domain.errors import AssertionConfigError
from assay.domain.models import AssertionSpec

INLINE_FUNCTION = "__assay_assert__"
DEFAULT_FILE_FUNCTION = "get_assert"
_FILE_PREFIX = "file://"


@dataclass(frozen=True, slots=True)
class FileRef:
    """`file://path.py[:function]`."""

    path: str
    function: str


def parse_python(value: Any) -> CodeType | FileRef:
    """Inline code compiled into a function `(output, context)`, or a file reference."""
    if not isinstance(value, str) or not value.strip():
        raise AssertionConfigError("value must be Python code or file://path.py[:function]")
    if value.startswith(_FILE_PREFIX):
        return parse_file_ref(value)
    return compile_inline(value)


def parse_file_ref(value: str) -> FileRef:
    """Split `file://path.py:function`; the function defaults to `get_assert`."""
    rest = value[len(_FILE_PREFIX) :]
    path, function = rest, DEFAULT_FILE_FUNCTION
    head, sep, tail = rest.rpartition(":")
    if sep and tail.isidentifier():
        path, function = head, tail
    if not path.endswith(".py"):
        raise AssertionConfigError(f"{value!r} must name a .py file")
    return FileRef(path, function)


@lru_cache(maxsize=1024)
def compile_inline(code: str) -> CodeType:
    """Wrap code as the body of a function; a trailing bare expression becomes its return value.

    As in promptfoo, a one-line value is an expression and a multi-line value is a function
    body that may `return`; unlike promptfoo, a body ending in a bare expression returns it.
    """
    body = textwrap.indent(textwrap.dedent(code).strip("\n"), "    ")
    source = f"def {INLINE_FUNCTION}(output, context):\n{body}\n"
    try:
        tree = ast.parse(source, filename="<python assertion>")
    except SyntaxError as exc:
        line = (exc.lineno or 2) - 1
        raise AssertionConfigError(f"the code does not compile: {exc.msg} (line {line})") from exc
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    last = function.body[-1]
    if isinstance(last, ast.Expr):
        function.body[-1] = ast.copy_location(ast.Return(value=last.value), last)
    return compile(ast.fix_missing_locations(tree), "<python assertion>", "exec")


def judge_python_result(result: Any, spec: AssertionSpec, inverse: bool) -> Outcome:
    """Read a bool, a number (a score), or a `{pass, score, reason}` dict, as promptfoo does."""
    if isinstance(result, str):
        result = _from_text(result)
    if isinstance(result, bool):
        if result != inverse:
            return Outcome(True, 1.0, PASSED)
        return failed(f"Python code returned {result}")
    if isinstance(result, int | float):
        return _judge_score(float(result), spec, inverse)
    if isinstance(result, dict):
        return _judge_dict(result, spec, inverse)
    raise ValueError(
        "a python assertion must return a bool, a number or a {pass, score, reason} dict, "
        f"not {type(result).__name__}"
    )


def _from_text(text: str) -> Any:
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if text.lstrip().startswith("{"):
        return json.loads(text)
    try:
        return float(text)
    except ValueError:
        raise ValueError(
            f"a python assertion returned text that is not a result: {text[:100]!r}"
        ) from None


def _judge_score(score: float, spec: AssertionSpec, inverse: bool) -> Outcome:
    if math.isnan(score):
        raise ValueError("a python assertion returned NaN")
    above = score > 0 if spec.threshold is None else score >= spec.threshold
    if above != inverse:
        return Outcome(True, score, PASSED)
    if spec.threshold is None:
        return Outcome(False, score, f"Python score {score:g} is {'' if above else 'not '}above 0")
    relation = "at least" if above else "less than"
    return Outcome(
        False, score, f"Python score {score:g} is {relation} threshold {spec.threshold:g}"
    )


def _judge_dict(result: dict[str, Any], spec: AssertionSpec, inverse: bool) -> Outcome:
    passed = result.get("pass", result.get("pass_"))
    if not isinstance(passed, bool):
        raise ValueError("a python assertion's dict must have a boolean 'pass'")
    score = result.get("score", 1.0 if passed else 0.0)
    if isinstance(score, bool) or not isinstance(score, int | float) or math.isnan(score):
        raise ValueError("a python assertion's dict must have a numeric 'score'")
    reason = str(result.get("reason") or "")
    if spec.threshold is not None and score < spec.threshold:
        passed = False
        note = f"Python score {score:g} is less than threshold {spec.threshold:g}"
        reason = f"{note}: {reason}" if reason else note
    if passed != inverse:
        return Outcome(True, float(score), reason if not inverse and reason else PASSED)
    if inverse:
        return Outcome(False, float(score), "Python code returned pass: true")
    return Outcome(False, float(score), reason or "Python code returned pass: false")
