"""Routes under /v1/test-sets: test sets and their immutable versions."""

from __future__ import annotations

import uuid
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from assay.adapters.postgres.test_sets_repo import TestSetsRepo
from assay.domain.errors import InvalidInput
from assay.domain.models import TestCase
from assay.http.request import scope_of
from assay.http.schemas.common import DEFAULT_PAGE, MAX_PAGE, decode_cursor, encode_cursor
from assay.http.schemas.test_sets import (
    CaseIn,
    ChangedCase,
    TestSetCreate,
    TestSetOut,
    TestSetPage,
    TestSetUpdate,
    VersionDiff,
    VersionPage,
)
from assay.http.schemas.views import case_row_out, test_set_out, version_out
from assay.usecases import test_sets as uc

router = Router()  # type: ignore[no-untyped-call]
TAG = ["test sets"]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def repo() -> TestSetsRepo:
    """The test set repository on this request's connection and workspace."""
    scope = scope_of(router)
    return TestSetsRepo(scope.conn, scope.workspace_id)


def to_cases(items: list[CaseIn]) -> list[TestCase]:
    """Request cases as domain cases."""
    return [TestCase.model_validate(c.model_dump(by_alias=True)) for c in items]


@router.get("/test-sets", tags=TAG)
def list_test_sets(cursor: str | None = None, limit: Limit = DEFAULT_PAGE) -> TestSetPage:
    """Test sets by name, with case counts and the last run."""
    after = decode_cursor(cursor, (str, str))
    rows = repo().list_sets((after[0], after[1]) if after else None, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor([rows[-1]["name"], str(rows[-1]["id"])]) if more else None
    return TestSetPage(items=[test_set_out(r) for r in rows], next_cursor=nxt)


@router.post("/test-sets", tags=TAG, status_code=201)
def create_test_set(body: TestSetCreate) -> TestSetOut:
    """Create a test set (version 1 holds the given cases, possibly none)."""
    r = repo()
    test_set_id = uc.create_test_set(
        repo=r, name=body.name, description=body.description, cases=to_cases(body.cases)
    )
    return test_set_out(r.get_set(test_set_id))


@router.get("/test-sets/<test_set_id>", tags=TAG)
def read_test_set(test_set_id: uuid.UUID) -> TestSetOut:
    """One test set."""
    return test_set_out(repo().get_set(test_set_id))


@router.patch("/test-sets/<test_set_id>", tags=TAG)
def update_test_set(test_set_id: uuid.UUID, body: TestSetUpdate) -> TestSetOut:
    """Rename a test set or change its description."""
    fields = body.model_dump(exclude_unset=True)
    if "name" in fields and fields["name"] is None:
        raise InvalidInput("name cannot be null", details={"field": "name"})
    r = repo()
    if fields:
        r.update_set(test_set_id, fields)
    return test_set_out(r.get_set(test_set_id))


@router.delete("/test-sets/<test_set_id>", tags=TAG, status_code=204)
def delete_test_set(test_set_id: uuid.UUID) -> None:
    """Delete a test set, its cases and versions; runs keep their results."""
    repo().delete_set(test_set_id)


@router.get("/test-sets/<test_set_id>/versions", tags=TAG)
def list_versions(
    test_set_id: uuid.UUID, cursor: str | None = None, limit: Limit = DEFAULT_PAGE
) -> VersionPage:
    """Versions, newest first."""
    r = repo()
    r.get_set(test_set_id)
    before = decode_cursor(cursor, (int,))
    rows = r.list_versions(test_set_id, before[0] if before else None, limit + 1)
    nxt = encode_cursor([rows[limit - 1]["version"]]) if len(rows) > limit else None
    return VersionPage(items=[version_out(v) for v in rows[:limit]], next_cursor=nxt)


@router.get("/test-sets/<test_set_id>/diff", tags=TAG)
def diff_versions(test_set_id: uuid.UUID, base: uuid.UUID, head: uuid.UUID) -> VersionDiff:
    """Cases added, removed and changed between two versions of this test set."""
    r = repo()
    base_row, head_row = r.get_version(base, test_set_id), r.get_version(head, test_set_id)
    added, removed, changed, kept = uc.diff_versions(
        r.version_cases(base_row["id"]), r.version_cases(head_row["id"])
    )
    return VersionDiff(
        base=version_out(base_row),
        head=version_out(head_row),
        added=[case_row_out(c) for c in added],
        removed=[case_row_out(c) for c in removed],
        changed=[ChangedCase(before=case_row_out(b), after=case_row_out(a)) for b, a in changed],
        unchanged=kept,
    )


from assay.http.routes import test_set_cases  # noqa: E402, F401  (registers the case routes)
