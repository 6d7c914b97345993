"""Request and response bodies of /v1/test-sets."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assay.http.schemas.common import Name, Request

MAX_CASES_PER_REQUEST = 10_000


class AssertionIn(Request):
    """One assertion as promptfoo writes it."""

    type: str = Field(min_length=1, max_length=100)
    value: Any = None
    threshold: float | None = None
    weight: float = 1.0
    metric: str | None = Field(default=None, max_length=200)


class CaseIn(Request):
    """A test case: variables plus what a good answer must satisfy."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    description: str | None = Field(default=None, max_length=2000)
    vars: dict[str, Any] = Field(default_factory=dict)
    assertions: list[AssertionIn] = Field(default_factory=list, alias="assert", max_length=100)
    threshold: float | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class TestSetCreate(Request):
    """A new test set, optionally with its first cases."""

    __test__ = False

    name: Name
    description: str | None = Field(default=None, max_length=5000)
    cases: list[CaseIn] = Field(default_factory=list, max_length=MAX_CASES_PER_REQUEST)


class TestSetUpdate(Request):
    """Rename a test set or change its description (no new version: cases are unchanged)."""

    __test__ = False

    name: Name | None = None
    description: str | None = Field(default=None, max_length=5000)


class CasesAdd(Request):
    """Cases to append to the latest version, making a new one."""

    cases: list[CaseIn] = Field(min_length=1, max_length=MAX_CASES_PER_REQUEST)


class VersionOut(BaseModel):
    """An immutable snapshot of a test set's cases."""

    id: uuid.UUID
    test_set_id: uuid.UUID
    version: int
    content_hash: str
    case_count: int
    note: str | None = None
    created_at: datetime


class TestSetOut(BaseModel):
    """A test set with its latest version."""

    __test__ = False

    id: uuid.UUID
    name: str
    description: str | None = None
    case_count: int
    latest_version: VersionOut | None = None
    last_run_id: uuid.UUID | None = None
    last_run_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class TestSetPage(BaseModel):
    """One page of test sets."""

    __test__ = False

    items: list[TestSetOut]
    next_cursor: str | None = None


class CaseOut(BaseModel):
    """A case at a position of a version; its id is content-addressed (an edit makes a new id)."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    id: uuid.UUID
    position: int
    content_hash: str
    description: str | None = None
    vars: dict[str, Any] = Field(default_factory=dict)
    assertions: list[dict[str, Any]] = Field(default_factory=list, alias="assert")
    threshold: float | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class CasePage(BaseModel):
    """One page of a version's cases."""

    version: VersionOut
    items: list[CaseOut]
    next_cursor: str | None = None
    matches: int | None = Field(
        default=None, description="With `q`: how many cases match, on every page."
    )


class VersionChange(BaseModel):
    """What a change did: the version it produced and the cases it touched."""

    version: VersionOut
    created: bool
    cases: list[CaseOut] = Field(default_factory=list)


class VersionPage(BaseModel):
    """Versions, newest first."""

    items: list[VersionOut]
    next_cursor: str | None = None


class ChangedCase(BaseModel):
    """A position whose case was replaced between two versions."""

    before: CaseOut
    after: CaseOut


class VersionDiff(BaseModel):
    """Cases added, removed and changed from version `base` to version `head`."""

    base: VersionOut
    head: VersionOut
    added: list[CaseOut]
    removed: list[CaseOut]
    changed: list[ChangedCase]
    unchanged: int
