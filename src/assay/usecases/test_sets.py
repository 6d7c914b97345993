"""Test sets: every change to the cases makes a new immutable, content-hashed version."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from assay.config import parse_tests_csv, parse_tests_jsonl
from assay.domain.assertions import validate_assertion
from assay.domain.errors import AssertionConfigError, InvalidInput, NotFound
from assay.domain.models import TestCase, content_hash

Row = dict[str, Any]
ImportFormat = Literal["csv", "jsonl"]


class TestSetsStore(Protocol):
    """What these use cases need of storage (`TestSetsRepo`)."""

    def get_set(self, test_set_id: uuid.UUID) -> Row: ...
    def lock_set(self, test_set_id: uuid.UUID) -> None: ...
    def create_set(self, name: str, description: str | None) -> uuid.UUID: ...
    def store_cases(
        self, test_set_id: uuid.UUID, bodies: Sequence[dict[str, Any]], hashes: Sequence[str]
    ) -> dict[str, uuid.UUID]: ...
    def latest_version(self, test_set_id: uuid.UUID) -> Row | None: ...
    def version_cases(
        self, version_id: uuid.UUID, after: int = -1, limit: int | None = None
    ) -> list[Row]: ...
    def create_version(
        self,
        test_set_id: uuid.UUID,
        version: int,
        digest: str,
        case_ids: Sequence[uuid.UUID],
        note: str | None,
    ) -> Row: ...


@dataclass(frozen=True)
class CaseRef:
    """A case in a version's list: its stored id, hash and body."""

    id: uuid.UUID
    content_hash: str
    body: dict[str, Any]


@dataclass(frozen=True)
class Change:
    """The version a change produced (or the unchanged latest) and the cases it wrote."""

    version: Row
    created: bool
    cases: list[tuple[int, CaseRef]]


def check_cases(cases: Sequence[TestCase]) -> None:
    """Refuse unknown or malformed assertions (and python ones: never over the API)."""
    problems = []
    for index, case in enumerate(cases):
        for a_index, spec in enumerate(case.assertions):
            try:
                validate_assertion(spec, allow_code=False)
            except AssertionConfigError as exc:
                problems.append({"case": index, "assertion": a_index, "message": exc.message})
    if problems:
        raise InvalidInput(
            f"{len(problems)} invalid assertion(s): {problems[0]['message']}",
            details={"errors": problems},
        )


def current_cases(repo: TestSetsStore, test_set_id: uuid.UUID) -> tuple[Row | None, list[CaseRef]]:
    """The latest version and its cases, in order."""
    latest = repo.latest_version(test_set_id)
    if latest is None:
        return None, []
    rows = repo.version_cases(latest["id"])
    return latest, [CaseRef(r["id"], r["content_hash"], r["body"]) for r in rows]


def _store(repo: TestSetsStore, test_set_id: uuid.UUID, cases: Sequence[TestCase]) -> list[CaseRef]:
    check_cases(cases)
    bodies = [c.stored() for c in cases]
    hashes = [content_hash(b) for b in bodies]
    ids = repo.store_cases(test_set_id, bodies, hashes)
    return [CaseRef(ids[h], h, b) for h, b in zip(hashes, bodies, strict=True)]


def change_cases(
    *,
    repo: TestSetsStore,
    test_set_id: uuid.UUID,
    new: Sequence[TestCase],
    edit: Callable[[list[CaseRef], list[CaseRef]], list[CaseRef]],
    note: str | None,
) -> Change:
    """Store `new` cases, build the next list with `edit(current, stored_new)`, version it."""
    repo.lock_set(test_set_id)
    stored = _store(repo, test_set_id, new)
    latest, current = current_cases(repo, test_set_id)
    after = edit(current, stored)
    digest = content_hash([c.content_hash for c in after])
    touched_ids = {c.id for c in stored}
    touched = [(i, c) for i, c in enumerate(after) if c.id in touched_ids]
    if latest is not None and latest["content_hash"] == digest:
        return Change(latest, False, touched)
    version = 1 if latest is None else latest["version"] + 1
    row = repo.create_version(test_set_id, version, digest, [c.id for c in after], note)
    return Change(row, True, touched)


def create_test_set(
    *, repo: TestSetsStore, name: str, description: str | None, cases: Sequence[TestCase]
) -> uuid.UUID:
    """A new test set with version 1 (possibly empty)."""
    check_cases(cases)
    test_set_id = repo.create_set(name, description)
    change_cases(
        repo=repo, test_set_id=test_set_id, new=cases, edit=lambda _c, s: s, note="created"
    )
    return test_set_id


def add_cases(
    *,
    repo: TestSetsStore,
    test_set_id: uuid.UUID,
    cases: Sequence[TestCase],
    note: str = "cases added",
) -> Change:
    """Append cases to the latest version."""
    return change_cases(
        repo=repo, test_set_id=test_set_id, new=cases, edit=lambda c, s: c + s, note=note
    )


def replace_cases(
    *,
    repo: TestSetsStore,
    test_set_id: uuid.UUID,
    cases: Sequence[TestCase],
    note: str = "cases replaced",
) -> Change:
    """Make the next version hold exactly `cases`."""
    return change_cases(
        repo=repo, test_set_id=test_set_id, new=cases, edit=lambda _c, s: s, note=note
    )


def _require(current: list[CaseRef], case_id: uuid.UUID) -> None:
    if not any(c.id == case_id for c in current):
        raise NotFound(
            f"case {case_id} is not in the latest version", details={"case_id": str(case_id)}
        )


def edit_case(
    *, repo: TestSetsStore, test_set_id: uuid.UUID, case_id: uuid.UUID, case: TestCase
) -> Change:
    """Replace a case (every position holding it) with new content; the new case has a new id."""

    def edit(current: list[CaseRef], stored: list[CaseRef]) -> list[CaseRef]:
        _require(current, case_id)
        return [stored[0] if c.id == case_id else c for c in current]

    return change_cases(
        repo=repo, test_set_id=test_set_id, new=[case], edit=edit, note="case edited"
    )


def delete_case(*, repo: TestSetsStore, test_set_id: uuid.UUID, case_id: uuid.UUID) -> Change:
    """Remove a case (every position holding it) from the next version."""

    def edit(current: list[CaseRef], _stored: list[CaseRef]) -> list[CaseRef]:
        _require(current, case_id)
        return [c for c in current if c.id != case_id]

    return change_cases(repo=repo, test_set_id=test_set_id, new=[], edit=edit, note="case deleted")


def parse_import(text: str, fmt: ImportFormat, filename: str | None = None) -> list[TestCase]:
    """Cases from CSV or JSONL text; ConfigError lists every bad line (named after `filename`,
    else "import.csv" or "import.jsonl"), nothing is kept."""
    source = filename or f"import.{fmt}"
    if fmt == "csv":
        return parse_tests_csv(text, source=source, allow_code=False)
    return parse_tests_jsonl(text, source=source, allow_code=False)


def import_cases(
    *,
    repo: TestSetsStore,
    test_set_id: uuid.UUID,
    text: str,
    fmt: ImportFormat,
    replace: bool,
    filename: str | None = None,
) -> Change:
    """Import a file's cases, appended to or replacing the latest version (all-or-nothing)."""
    repo.get_set(test_set_id)  # 404 before a 400 about the file
    cases = parse_import(text, fmt, filename)
    if not cases:
        where = f"{filename}: " if filename else ""
        raise InvalidInput(f"{where}the import holds no test cases", details={"format": fmt})
    note = f"imported {fmt}"
    if replace:
        return replace_cases(repo=repo, test_set_id=test_set_id, cases=cases, note=note)
    return add_cases(repo=repo, test_set_id=test_set_id, cases=cases, note=note)


def diff_versions(
    base: list[Row], head: list[Row]
) -> tuple[list[Row], list[Row], list[tuple[Row, Row]], int]:
    """Cases added, removed and changed (same position, different content) from base to head."""
    base_left: dict[str, int] = {}
    for r in base:
        base_left[r["content_hash"]] = base_left.get(r["content_hash"], 0) + 1
    added, kept = [], 0
    for r in head:
        if base_left.get(r["content_hash"], 0) > 0:
            base_left[r["content_hash"]] -= 1
            kept += 1
        else:
            added.append(r)
    head_left: dict[str, int] = {}
    for r in head:
        head_left[r["content_hash"]] = head_left.get(r["content_hash"], 0) + 1
    removed = []
    for r in base:
        if head_left.get(r["content_hash"], 0) > 0:
            head_left[r["content_hash"]] -= 1
        else:
            removed.append(r)
    removed_at = {r["position"]: r for r in removed}
    changed = [(removed_at[r["position"]], r) for r in added if r["position"] in removed_at]
    paired = {r["position"] for _, r in changed}
    return (
        [r for r in added if r["position"] not in paired],
        [r for r in removed if r["position"] not in paired],
        changed,
        kept,
    )
