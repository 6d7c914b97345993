"""Prompts: versioned templates whose variables are detected and checked against test cases."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assay.domain.models import PromptTemplate
from assay.domain.templates import template_variables

Row = dict[str, Any]


class PromptsStore(Protocol):
    """What these use cases need of storage (`PromptsRepo`)."""

    def create(self, name: str) -> uuid.UUID: ...
    def get(self, prompt_id: uuid.UUID, *, lock: bool = False) -> Row: ...
    def version_by_hash(self, prompt_id: uuid.UUID, digest: str) -> Row | None: ...
    def add_version(
        self, prompt_id: uuid.UUID, digest: str, body: dict[str, Any], variables: list[str]
    ) -> Row: ...


@dataclass(frozen=True)
class MissingVars:
    """A case lacking variables the template reads."""

    position: int
    test_case_id: uuid.UUID
    description: str | None
    missing: list[str]


def template_of(label: str, body: dict[str, Any]) -> PromptTemplate:
    """A stored body ({"text"} or {"messages"}) as a template."""
    return PromptTemplate(label=label, **body)


def add_version(
    *, repo: PromptsStore, prompt_id: uuid.UUID, template: PromptTemplate
) -> tuple[Row, bool]:
    """A new version (TemplateError when it does not parse); the existing one if unchanged."""
    variables = sorted(template_variables(template))
    repo.get(prompt_id, lock=True)
    digest = template.hash()
    existing = repo.version_by_hash(prompt_id, digest)
    if existing is not None:
        return existing, False
    return repo.add_version(prompt_id, digest, template.body(), variables), True


def create_prompt(*, repo: PromptsStore, name: str, template: PromptTemplate) -> uuid.UUID:
    """A new prompt with version 1."""
    template_variables(template)  # a template that does not parse creates nothing
    prompt_id = repo.create(name)
    add_version(repo=repo, prompt_id=prompt_id, template=template)
    return prompt_id


def check_variables(
    variables: Sequence[str], cases: Sequence[Row]
) -> tuple[list[MissingVars], list[str]]:
    """Cases lacking some variables; and case vars the template never reads."""
    wanted = set(variables)
    missing, seen = [], set()
    for row in cases:
        body = row["body"] or {}
        have = set(body.get("vars", {}))
        seen |= have
        lack = sorted(wanted - have)
        if lack:
            missing.append(MissingVars(row["position"], row["id"], body.get("description"), lack))
    return missing, sorted(seen - wanted)
