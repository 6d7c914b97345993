"""Previewing a template as a run would render it: with some vars, or against a test set's cases.

Rendering goes through `domain.templates.render_prompt`, the function the engine calls for each
cell, and cases are read as the engine reads them, so a preview fails exactly where a run would.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assay.domain.errors import NotFound, TemplateError
from assay.domain.models import ChatMessage, PromptTemplate, TestCase
from assay.domain.templates import case_label, render_prompt, template_variables

Row = dict[str, Any]


GIVEN_VARS = "the given vars"  # how errors name the "case" when vars come with the request


@dataclass(frozen=True)
class CaseFailure:
    """A case whose cells would fail to render, with the error they would fail with."""

    position: int
    test_case_id: uuid.UUID
    description: str | None
    error: TemplateError


@dataclass(frozen=True)
class CasesTried:
    """A template rendered against every case of a test set version."""

    cases_checked: int
    failures: list[CaseFailure] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)


def _case(row: Row) -> TestCase:
    return TestCase.model_validate(row["body"] or {})


def _render_case(
    template: PromptTemplate, cases: Sequence[Row], position: int
) -> tuple[ChatMessage, ...]:
    row = next((r for r in cases if r["position"] == position), None)
    if row is None:
        raise NotFound(
            f"the test set version has no case at position {position}",
            details={"case_position": position},
        )
    case = _case(row)
    return render_prompt(template, case.vars, case=case_label(position, case.description))


def try_cases(
    template: PromptTemplate, variables: Sequence[str], cases: Sequence[Row]
) -> CasesTried:
    """Render for every case; which would fail, and which case vars the template never reads."""
    failures, seen = [], set()
    for row in cases:
        case = _case(row)
        seen |= set(case.vars)
        try:
            render_prompt(template, case.vars, case=case_label(row["position"], case.description))
        except TemplateError as exc:
            failures.append(CaseFailure(row["position"], row["id"], case.description, exc))
    return CasesTried(len(cases), failures, sorted(seen - set(variables)))


@dataclass(frozen=True)
class Preview:
    """What the template reads, its rendering (or why it fails), and how the cases fare."""

    variables: list[str]
    messages: tuple[ChatMessage, ...] | None = None
    error: TemplateError | None = None
    tried: CasesTried | None = None


def preview(
    template: PromptTemplate,
    *,
    vars: Mapping[str, Any] | None = None,
    cases: Sequence[Row] | None = None,
    case_position: int | None = None,
) -> Preview:
    """Render with `vars` or with the case at `case_position` of `cases`; try every case."""
    try:
        variables = sorted(template_variables(template))
    except TemplateError as exc:  # a syntax error: nothing renders, for any case
        return Preview([], error=exc)
    messages, error = None, None
    try:
        if case_position is not None:
            messages = _render_case(template, cases or (), case_position)
        elif vars is not None:
            messages = render_prompt(template, vars, case=GIVEN_VARS)
    except TemplateError as exc:
        error = exc
    tried = try_cases(template, variables, cases) if cases is not None else None
    return Preview(variables, messages, error, tried)
