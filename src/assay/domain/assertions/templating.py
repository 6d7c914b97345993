"""Rendering `{{ var }}` in assertion values and metric names, as promptfoo does with Nunjucks."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template
from jinja2 import TemplateError as JinjaError
from jinja2.sandbox import SandboxedEnvironment

from assay.domain.errors import TemplateError

# Shared and never mutated after import: compiled templates are cached per distinct source.
_ENV = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)


def is_templated(value: Any) -> bool:
    """Whether a value (or an item of a list value) holds template syntax."""
    if isinstance(value, str):
        return "{{" in value or "{%" in value
    if isinstance(value, list | tuple):
        return any(is_templated(item) for item in value)
    return False


@lru_cache(maxsize=2048)
def _compile(source: str) -> Template:
    return _ENV.from_string(source)


def render_text(source: str, variables: Mapping[str, Any]) -> str:
    """Render one string against the case's vars; undefined names are errors."""
    if not is_templated(source):
        return source
    try:
        return _compile(source).render(variables)
    except JinjaError as exc:
        raise TemplateError(f"cannot render {source!r}: {exc}") from exc


def render_value(value: Any, variables: Mapping[str, Any]) -> Any:
    """Render a string value, or each string of a list value; other values pass unchanged."""
    if isinstance(value, str):
        return render_text(value, variables)
    if isinstance(value, list | tuple) and is_templated(value):
        return [render_text(v, variables) if isinstance(v, str) else v for v in value]
    return value


def render_metric(metric: str | None, variables: Mapping[str, Any]) -> str | None:
    """A metric name with vars filled in; left as written when it cannot render."""
    if metric is None:
        return None
    try:
        return render_text(metric, variables)
    except TemplateError:
        return metric
