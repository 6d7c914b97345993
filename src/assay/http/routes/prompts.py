"""Routes under /v1/prompts: versioned templates and their variables."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from assay.adapters.postgres.prompts_repo import PromptsRepo
from assay.adapters.postgres.test_sets_repo import TestSetsRepo
from assay.domain.errors import TemplateError
from assay.domain.models import ChatMessage, PromptTemplate
from assay.domain.templates import prompt_text
from assay.http.request import scope_of
from assay.http.schemas.common import DEFAULT_PAGE, MAX_PAGE, decode_cursor, encode_cursor
from assay.http.schemas.prompts import (
    CaseRenderFailure,
    CasesRendered,
    CaseVariables,
    MessageOut,
    PromptBody,
    PromptCreate,
    PromptOut,
    PromptPage,
    PromptRename,
    PromptRender,
    PromptRendered,
    PromptVersionCreated,
    PromptVersionOut,
    PromptVersionPage,
    RenderProblem,
    VariableCheck,
)
from assay.usecases import prompt_preview
from assay.usecases import prompts as uc

router = Router()  # type: ignore[no-untyped-call]
TAG = ["prompts"]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
LISTED_FAILURES = 100  # failing cases a preview lists; it counts them all


def repo() -> PromptsRepo:
    """The prompt repository on this request's connection and workspace."""
    scope = scope_of(router)
    return PromptsRepo(scope.conn, scope.workspace_id)


def template(body: PromptBody, label: str) -> PromptTemplate:
    """A request body as a template."""
    messages = (
        tuple(ChatMessage(role=m.role, content=m.content) for m in body.messages)
        if body.messages is not None
        else None
    )
    return PromptTemplate(label=label, text=body.text, messages=messages)


def prompt_out(row: dict[str, Any]) -> PromptOut:
    """A prompt row with its latest version."""
    latest = PromptVersionOut.model_validate(row["latest"]) if row["latest"] else None
    return PromptOut(
        id=row["id"],
        name=row["name"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        latest_version=latest,
    )


@router.get("/prompts", tags=TAG)
def list_prompts(cursor: str | None = None, limit: Limit = DEFAULT_PAGE) -> PromptPage:
    """Prompts by name, each with its latest version."""
    after = decode_cursor(cursor, (str, str))
    rows = repo().list_page((after[0], after[1]) if after else None, limit + 1)
    more = len(rows) > limit
    nxt = encode_cursor([rows[limit - 1]["name"], str(rows[limit - 1]["id"])]) if more else None
    return PromptPage(items=[prompt_out(r) for r in rows[:limit]], next_cursor=nxt)


@router.post("/prompts", tags=TAG, status_code=201)
def create_prompt(body: PromptCreate) -> PromptOut:
    """Create a prompt with its first version; the template's variables are detected."""
    r = repo()
    prompt_id = uc.create_prompt(repo=r, name=body.name, template=template(body, body.name))
    return prompt_out(r.get(prompt_id))


def problem(exc: TemplateError) -> RenderProblem:
    """A template error as a preview reports it."""
    return RenderProblem(code=exc.code, message=exc.message, details=exc.details)


def cases_out(tsv_id: uuid.UUID, tried: prompt_preview.CasesTried) -> CasesRendered:
    """How a test set version's cases fare, the first failures listed."""
    failures = [
        CaseRenderFailure(
            position=f.position,
            test_case_id=f.test_case_id,
            description=f.description,
            missing=f.error.details.get("variables", []),
            error=problem(f.error),
        )
        for f in tried.failures[:LISTED_FAILURES]
    ]
    return CasesRendered(
        test_set_version_id=tsv_id,
        cases_checked=tried.cases_checked,
        cases_failed=len(tried.failures),
        failures=failures,
        unused=tried.unused,
    )


@router.post("/prompts/render", tags=TAG)
def render(body: PromptRender) -> PromptRendered:
    """Render a template exactly as a run would, with vars or a test set's case; saves nothing.

    A template that does not parse, or a case that lacks a variable, is not a request error:
    the answer is 200 with `error` (and `cases.failures`) holding what a run's cells would fail
    with. Given `test_set_version_id`, every case of that version is rendered too.
    """
    cases, tsv_id = None, body.test_set_version_id
    if tsv_id is not None:
        scope = scope_of(router)
        sets = TestSetsRepo(scope.conn, scope.workspace_id)
        cases = sets.version_cases(sets.get_version(tsv_id)["id"])
    out = prompt_preview.preview(
        template(body, body.label), vars=body.vars, cases=cases, case_position=body.case_position
    )
    messages, tried = out.messages, out.tried
    return PromptRendered(
        variables=out.variables,
        messages=[MessageOut(role=m.role, content=m.content) for m in messages or ()] or None,
        text=prompt_text(messages) if messages is not None else None,
        error=problem(out.error) if out.error else None,
        cases=cases_out(tsv_id, tried) if tsv_id is not None and tried is not None else None,
    )


@router.get("/prompts/<prompt_id>", tags=TAG)
def read_prompt(prompt_id: uuid.UUID) -> PromptOut:
    """One prompt with its latest version."""
    return prompt_out(repo().get(prompt_id))


@router.patch("/prompts/<prompt_id>", tags=TAG)
def rename_prompt(prompt_id: uuid.UUID, body: PromptRename) -> PromptOut:
    """Rename a prompt."""
    r = repo()
    r.rename(prompt_id, body.name)
    return prompt_out(r.get(prompt_id))


@router.delete("/prompts/<prompt_id>", tags=TAG, status_code=204)
def delete_prompt(prompt_id: uuid.UUID) -> None:
    """Delete a prompt and its versions; runs keep their copy of the template."""
    repo().delete(prompt_id)


@router.post("/prompts/<prompt_id>/versions", tags=TAG, status_code=201)
def add_version(prompt_id: uuid.UUID, body: PromptBody) -> PromptVersionCreated:
    """A new version (text or chat messages); the same template again returns its version."""
    r = repo()
    name = r.get(prompt_id)["name"]
    row, created = uc.add_version(repo=r, prompt_id=prompt_id, template=template(body, name))
    return PromptVersionCreated(version=PromptVersionOut.model_validate(row), created=created)


@router.get("/prompts/<prompt_id>/versions", tags=TAG)
def list_versions(
    prompt_id: uuid.UUID, cursor: str | None = None, limit: Limit = DEFAULT_PAGE
) -> PromptVersionPage:
    """Versions, newest first."""
    r = repo()
    r.get(prompt_id)
    before = decode_cursor(cursor, (int,))
    rows = r.versions(prompt_id, before[0] if before else None, limit + 1)
    nxt = encode_cursor([rows[limit - 1]["version"]]) if len(rows) > limit else None
    items = [PromptVersionOut.model_validate(v) for v in rows[:limit]]
    return PromptVersionPage(items=items, next_cursor=nxt)


@router.get("/prompts/<prompt_id>/versions/<version_id>", tags=TAG)
def read_version(prompt_id: uuid.UUID, version_id: uuid.UUID) -> PromptVersionOut:
    """One version."""
    return PromptVersionOut.model_validate(repo().version(version_id, prompt_id))


@router.get("/prompts/<prompt_id>/check", tags=TAG)
def check_variables(
    prompt_id: uuid.UUID, test_set_version_id: uuid.UUID, version_id: uuid.UUID | None = None
) -> VariableCheck:
    """Which cases of a test set version lack variables the template (latest or given) reads."""
    scope = scope_of(router)
    r = repo()
    prompt = r.get(prompt_id)
    version = r.version(version_id, prompt_id) if version_id else prompt["latest"]
    sets = TestSetsRepo(scope.conn, scope.workspace_id)
    tsv = sets.get_version(test_set_version_id)
    cases = sets.version_cases(tsv["id"])
    missing, unused = uc.check_variables(version["variables"], cases)
    return VariableCheck(
        prompt_version_id=version["id"],
        test_set_version_id=tsv["id"],
        variables=version["variables"],
        cases_checked=len(cases),
        ok=not missing,
        cases_missing=[CaseVariables(**m.__dict__) for m in missing],
        unused=unused,
    )
