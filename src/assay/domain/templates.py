"""Prompt templates: sandboxed Jinja2, rendering the subset of Nunjucks that promptfoo suites use.

Differences from Nunjucks worth knowing: an undefined variable is an error (Nunjucks renders
it as ""), and `{{ x | dump }}` is provided as JSON serialisation like Nunjucks' `dump`.

A render is bounded as well as sandboxed (see template_bounds): going over a bound is a
TemplateError.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from assay.domain.errors import TemplateError
from assay.domain.models import ChatMessage, PromptTemplate
from assay.domain.template_bounds import (
    RENDER_SECONDS,
    BoundedSandbox,
    TooCostly,
    bounded_render,
    install_guards,
)

_ROLES = frozenset({"system", "user", "assistant"})


def _dump(value: Any, indent: int | None = None) -> str:
    """Nunjucks' `dump`: JSON.stringify, compact unless an indent is given."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(value, ensure_ascii=False, indent=indent, separators=separators, default=str)


def _environment() -> SandboxedEnvironment:
    env = BoundedSandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,  # Nunjucks keeps the final newline; Jinja drops it by default
    )
    env.filters["dump"] = _dump
    install_guards(env)
    return env


_ENV = _environment()


@lru_cache(maxsize=4096)
def _compile(source: str) -> jinja2.Template:
    """Compile one template source; cached because every cell of a run renders again."""
    return _ENV.from_string(source)


@lru_cache(maxsize=4096)
def _variables(source: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(_ENV.parse(source)))


def _sources(template: PromptTemplate) -> list[tuple[str, str]]:
    """(where, source) pairs: the text, or each message's content."""
    if template.messages is not None:
        return [(f"message {i + 1}", m.content) for i, m in enumerate(template.messages)]
    return [("text", template.text or "")]


def _syntax_error(
    template: PromptTemplate, where: str, exc: jinja2.TemplateSyntaxError
) -> TemplateError:
    place = "" if where == "text" else f" ({where})"
    return TemplateError(
        f"prompt '{template.label}'{place}, line {exc.lineno}: syntax error: {exc.message}",
        details={"prompt": template.label, "line": exc.lineno},
    )


def _compiled(template: PromptTemplate, where: str, source: str) -> jinja2.Template:
    try:
        return _compile(source)
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(template, where, exc) from None


def template_variables(template: PromptTemplate) -> frozenset[str]:
    """The top-level variables a template reads and does not set itself."""
    names: set[str] = set()
    for where, source in _sources(template):
        try:
            names |= _variables(source)
        except jinja2.TemplateSyntaxError as exc:
            raise _syntax_error(template, where, exc) from None
    return frozenset(names)


def _render_one(
    template: PromptTemplate, where: str, source: str, vars: Mapping[str, Any], case: str
) -> str:
    compiled = _compiled(template, where, source)
    details: dict[str, Any] = {"prompt": template.label, "case": case}
    try:
        return bounded_render(compiled, vars, RENDER_SECONDS)
    except TooCostly as exc:
        raise TemplateError(
            f"prompt '{template.label}' for {case} is too costly to render: {exc}",
            details=details,
        ) from None
    except jinja2.UndefinedError as exc:
        missing = sorted(_variables(source) - set(vars))
        if missing:
            names = ", ".join(f"'{n}'" for n in missing)
            message = f"missing variable {names} in prompt '{template.label}' for {case}"
            details["variables"] = missing
        else:  # a dotted or indexed access into a var that has no such key
            message = f"undefined value in prompt '{template.label}' for {case}: {exc.message}"
        raise TemplateError(message, details=details) from None
    except SecurityError as exc:
        raise TemplateError(
            f"prompt '{template.label}' for {case} tried a forbidden operation: {exc}",
            details=details,
        ) from None
    except Exception as exc:
        # a filter or expression failed on these vars: still the template's fault, not a crash
        raise TemplateError(
            f"prompt '{template.label}' failed to render for {case}: {type(exc).__name__}: {exc}",
            details=details,
        ) from None


def _as_chat(text: str) -> tuple[ChatMessage, ...] | None:
    """The messages in `text` when it is a JSON array of {role, content} objects, else None."""
    stripped = text.strip()
    if not stripped.startswith("["):
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(data, list) or not data:
        return None
    messages = []
    for item in data:
        if not (
            isinstance(item, dict)
            and set(item) == {"role", "content"}
            and item["role"] in _ROLES
            and isinstance(item["content"], str)
        ):
            return None
        messages.append(ChatMessage(role=item["role"], content=item["content"]))
    return tuple(messages)


def case_label(position: int, description: str | None) -> str:
    """How a run names a case in its errors: "test 3 (greeting)"."""
    return f"test {position + 1}" + (f" ({description})" if description else "")


def render_prompt(
    template: PromptTemplate, vars: Mapping[str, Any], *, case: str
) -> tuple[ChatMessage, ...]:
    """Render a prompt for one case; `case` names the case in errors, e.g. "test 3 (greeting)"."""
    if template.messages is not None:
        return tuple(
            ChatMessage(
                role=m.role,
                content=_render_one(template, f"message {i + 1}", m.content, vars, case),
            )
            for i, m in enumerate(template.messages)
        )
    text = _render_one(template, "text", template.text or "", vars, case)
    return _as_chat(text) or (ChatMessage(role="user", content=text),)


def prompt_text(messages: Sequence[ChatMessage]) -> str:
    """Plain text of rendered messages, for display and grading context."""
    if len(messages) == 1 and messages[0].role == "user":
        return messages[0].content
    return "\n".join(f"{m.role}: {m.content}" for m in messages)
