"""Bounds on a template render, on top of Jinja's sandbox.

The API renders previews and workers render every cell, so a template such as nested `range()`
loops or `'x' * 10**10` must fail, not tie up a process. Loops over `range` count against a step
budget, every render has a deadline and a cap on the text it produces, and the operations that
build a large string from a small template (repetition, powers, padding widths, `%` and
`format` widths, `replace`) are refused beyond a size no prompt needs.
"""

from __future__ import annotations

import re
import string
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment, safe_range

MAX_RENDERED_CHARS = 1_000_000
"""Longest text one template may produce: beyond any model's context window."""
RENDER_SECONDS = 2.0
"""Longest one template may take to render."""
MAX_STEPS = 1_000_000
"""Most loop steps over `range` in one render, however nested."""
MAX_WIDTH = 100_000
"""Largest padding width, precision or repetition count a template may ask for."""


class TooCostly(Exception):
    """A render went over one of its bounds."""


class _Budget:
    """One render's bounds: a deadline and a count of loop steps."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.steps = 0

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TooCostly(f"loops ran over {MAX_STEPS:,} steps")
        if self.steps % 512 == 0:
            self.check_time()

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise TooCostly(f"rendering took over {self.seconds:g} s")


_budget: ContextVar[_Budget | None] = ContextVar("template_budget", default=None)


class BoundedRange(Sequence[int]):
    """`range` for templates: at most the sandbox's range, and each step counted."""

    def __init__(self, *args: int) -> None:
        self._range = safe_range(*args)

    def __len__(self) -> int:
        return len(self._range)

    def __getitem__(self, index: Any) -> Any:
        return self._range[index]

    def __iter__(self) -> Iterator[int]:
        budget = _budget.get()
        for i in self._range:
            if budget is not None:
                budget.tick()
            yield i


_NUMBER = re.compile(r"\d+")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\*|\d*)(?:\.(\*|\d+))?")
_PADDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _too_wide(what: str) -> SecurityError:
    return SecurityError(f"{what} larger than {MAX_WIDTH:,} is not allowed in a template")


def _large_numbers(values: Any) -> bool:
    """Whether any of `values` (a value, a tuple or a mapping of them) is an int over MAX_WIDTH."""
    if isinstance(values, Mapping):
        values = tuple(values.values())
    elif not isinstance(values, tuple):
        values = (values,)
    return any(isinstance(v, int) and v > MAX_WIDTH for v in values)


def _check_percent(fmt: str, args: Any = ()) -> None:
    """`%` formatting: no width or precision over MAX_WIDTH, written or taken from `*`."""
    for width, precision in _PERCENT_SPEC.findall(fmt):
        if "*" in (width, precision):
            if _large_numbers(args):
                raise _too_wide("a format width")
        elif any(n and int(n) > MAX_WIDTH for n in (width, precision)):
            raise _too_wide("a format width")


def _check_format(fmt: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    """`str.format`: no width over MAX_WIDTH, written or taken from a nested `{}` field."""
    try:
        specs = [spec for _, _, spec, _ in string.Formatter().parse(fmt) if spec]
    except ValueError:
        return  # str.format raises its own error for a malformed string
    for spec in specs:
        if "{" in spec:
            if _large_numbers(args) or _large_numbers(kwargs):
                raise _too_wide("a format width")
        elif any(int(n) > MAX_WIDTH for n in _NUMBER.findall(spec)):
            raise _too_wide("a format width")


def _check_int(value: Any, what: str) -> None:
    if isinstance(value, int) and value > MAX_WIDTH:
        raise _too_wide(what)


def _sized(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, list, tuple)) else None


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox, with the operations that can build a huge value from a short template
    checked before they run (intercepting them also stops Jinja folding them at compile time)."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                size = _sized(seq)
                if (
                    size is not None
                    and isinstance(count, int)
                    and size * count > MAX_RENDERED_CHARS
                ):
                    raise SecurityError(
                        f"repeating a value to over {MAX_RENDERED_CHARS:,} items is not allowed"
                    )
        elif operator == "**":
            if (
                isinstance(left, int)
                and isinstance(right, int)
                and abs(left) > 1
                and right * abs(left).bit_length() > 4096
            ):
                raise SecurityError("a power over 4,096 bits is not allowed in a template")
        elif operator == "%" and isinstance(left, str):
            _check_percent(left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            name = getattr(__obj, "__name__", "")
            if name in _PADDING_METHODS:
                for value in (*args, *kwargs.values()):
                    _check_int(value, "a padding width")
            elif name == "replace":
                _check_replace(owner, *args)
        return super().call(__context, __obj, *args, **kwargs)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # Jinja swaps str.format for its own formatter when the attribute is read, before `call`.
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt: str = value.__self__
        format_map = value.__name__ == "format_map"

        def checked(*args: Any, **kwargs: Any) -> str:
            if format_map:
                _check_format(fmt, (), args[0] if args and isinstance(args[0], Mapping) else {})
            else:
                _check_format(fmt, args, kwargs)
            return wrapped(*args, **kwargs)

        return checked


def _check_replace(value: str, old: Any = "", new: Any = "", count: Any = -1) -> None:
    if not isinstance(old, str) or not isinstance(new, str):
        return
    hits = len(value) + 1 if old == "" else value.count(old)
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    if len(value) + hits * (len(new) - len(old)) > MAX_RENDERED_CHARS:
        raise SecurityError(f"replacing would make over {MAX_RENDERED_CHARS:,} characters")


def _guarded_filter(
    env: SandboxedEnvironment, name: str, check: Callable[..., None]
) -> Callable[..., Any]:
    original = env.filters[name]

    def guarded(*args: Any, **kwargs: Any) -> Any:
        check(*args, **kwargs)
        return original(*args, **kwargs)

    # Jinja's pass_eval_context/pass_context mark tells it what to pass first: keep it
    if hasattr(original, "jinja_pass_arg"):
        guarded.jinja_pass_arg = original.jinja_pass_arg  # type: ignore[attr-defined]
    return guarded


def _check_center(value: Any, width: Any = 80) -> None:
    _check_int(width, "a padding width")


def _check_indent(value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> None:
    if isinstance(width, int):
        _check_int(width, "an indent width")


def _check_format_filter(value: Any, *args: Any, **kwargs: Any) -> None:
    if isinstance(value, str):
        _check_percent(value, kwargs if kwargs else args)


def _check_replace_filter(eval_ctx: Any, value: Any, old: Any, new: Any, count: Any = None) -> None:
    if isinstance(value, str):
        _check_replace(value, old, new, -1 if count is None else count)


def bounded_render(compiled: jinja2.Template, vars: Mapping[str, Any], seconds: float) -> str:
    """Render piece by piece within a fresh budget of `seconds`, stopping at the first piece
    past the length cap or the deadline (TooCostly)."""
    budget = _Budget(seconds)
    token = _budget.set(budget)
    try:
        parts: list[str] = []
        size = 0
        for part in compiled.generate(dict(vars)):
            size += len(part)
            if size > MAX_RENDERED_CHARS:
                raise TooCostly(f"it produced over {MAX_RENDERED_CHARS:,} characters")
            budget.check_time()
            parts.append(part)
        return "".join(parts)
    finally:
        _budget.reset(token)


def install_guards(env: SandboxedEnvironment) -> None:
    """Give `env` the counted `range` and the filters that check sizes before they build."""
    env.globals["range"] = BoundedRange
    env.filters["center"] = _guarded_filter(env, "center", _check_center)
    env.filters["indent"] = _guarded_filter(env, "indent", _check_indent)
    env.filters["format"] = _guarded_filter(env, "format", _check_format_filter)
    env.filters["replace"] = _guarded_filter(env, "replace", _check_replace_filter)
