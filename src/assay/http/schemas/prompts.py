"""Request and response bodies of /v1/prompts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from assay.http.schemas.common import Name, Request


class MessageIn(Request):
    """One chat message of a template."""

    role: Literal["system", "user", "assistant"]
    content: str = Field(max_length=200_000)


class PromptBody(Request):
    """A template: plain text or chat messages (exactly one)."""

    text: str | None = Field(default=None, min_length=1, max_length=200_000)
    messages: list[MessageIn] | None = Field(default=None, min_length=1, max_length=100)

    @model_validator(mode="after")
    def _one_form(self) -> PromptBody:
        if (self.text is None) == (self.messages is None):
            raise ValueError("give either text or messages, not both or neither")
        return self


class PromptCreate(PromptBody):
    """A new prompt with its first version."""

    name: Name


class PromptRename(Request):
    """A new name."""

    name: Name


class PromptVersionOut(BaseModel):
    """An immutable version of a prompt's template."""

    id: uuid.UUID
    prompt_id: uuid.UUID
    version: int
    content_hash: str
    body: dict[str, Any]
    variables: list[str]
    created_at: datetime


class PromptOut(BaseModel):
    """A prompt with its latest version."""

    id: uuid.UUID
    name: str
    created_at: datetime
    updated_at: datetime
    latest_version: PromptVersionOut | None = None


class PromptPage(BaseModel):
    """One page of prompts."""

    items: list[PromptOut]
    next_cursor: str | None = None


class PromptVersionCreated(BaseModel):
    """A version: `created` is false when the same template was already a version."""

    version: PromptVersionOut
    created: bool


class PromptVersionPage(BaseModel):
    """Versions, newest first."""

    items: list[PromptVersionOut]
    next_cursor: str | None = None


class CaseVariables(BaseModel):
    """A case whose vars lack some of the template's variables."""

    position: int
    test_case_id: uuid.UUID
    description: str | None = None
    missing: list[str]


class VariableCheck(BaseModel):
    """A prompt version's variables checked against a test set version's cases."""

    prompt_version_id: uuid.UUID
    test_set_version_id: uuid.UUID
    variables: list[str]
    cases_checked: int
    ok: bool
    cases_missing: list[CaseVariables]
    unused: list[str]


class PromptRender(PromptBody):
    """A template to render as a run would: with `vars`, or with one case of a test set version.

    With `test_set_version_id`, every case of that version is also rendered, to say which
    would fail; `case_position` (0-based) picks the case whose rendering is returned.
    """

    label: str = Field(default="preview", min_length=1, max_length=200)
    vars: dict[str, Any] | None = None
    test_set_version_id: uuid.UUID | None = None
    case_position: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_case(self) -> PromptRender:
        if self.vars is not None and self.case_position is not None:
            raise ValueError("give vars or case_position, not both")
        if self.case_position is not None and self.test_set_version_id is None:
            raise ValueError("case_position needs test_set_version_id")
        return self


class MessageOut(BaseModel):
    """One rendered chat message."""

    role: Literal["system", "user", "assistant"]
    content: str


class RenderProblem(BaseModel):
    """Why a template does not render: the error a run's cell would fail with."""

    code: str
    message: str
    details: dict[str, Any]


class CaseRenderFailure(BaseModel):
    """A case whose cells would fail to render."""

    position: int
    test_case_id: uuid.UUID
    description: str | None = None
    missing: list[str]
    error: RenderProblem


class CasesRendered(BaseModel):
    """The template rendered against every case of a test set version."""

    test_set_version_id: uuid.UUID
    cases_checked: int
    cases_failed: int
    failures: list[CaseRenderFailure]
    unused: list[str]


class PromptRendered(BaseModel):
    """A rendering: the messages a model would be sent, or the error; and how the cases fare.

    `messages` and `text` are null when no vars or case were given, or when rendering failed
    (`error`). `failures` lists at most the first 100 failing cases; `cases_failed` counts all.
    """

    variables: list[str]
    messages: list[MessageOut] | None = None
    text: str | None = None
    error: RenderProblem | None = None
    cases: CasesRendered | None = None
