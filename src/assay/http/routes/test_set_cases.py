"""Routes under /v1/test-sets/{id}: cases, bulk changes, CSV/JSONL import and export."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from assay.domain.errors import InvalidInput
from assay.http.errors import PayloadTooLarge, UnsupportedMediaType
from assay.http.routes.test_sets import TAG, Limit, repo, router, to_cases
from assay.http.schemas.common import DEFAULT_PAGE, decode_cursor, encode_cursor
from assay.http.schemas.test_sets import CaseIn, CasePage, CasesAdd, VersionChange
from assay.http.schemas.views import case_out, case_row_out, version_out
from assay.usecases import test_set_files
from assay.usecases import test_sets as uc

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_QUERY = 500
MAX_FILENAME = 255
IMPORT_TYPES: dict[str, uc.ImportFormat] = {
    "text/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/x-jsonlines": "jsonl",
}


def change_out(change: uc.Change) -> VersionChange:
    """A change's version and the cases it wrote."""
    return VersionChange(
        version=version_out(change.version),
        created=change.created,
        cases=[case_out(i, c.id, c.content_hash, c.body) for i, c in change.cases],
    )


@router.get("/test-sets/<test_set_id>/cases", tags=TAG)
def list_cases(
    test_set_id: uuid.UUID,
    version_id: uuid.UUID | None = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_PAGE,
    q: Annotated[str | None, Query(max_length=MAX_QUERY)] = None,
) -> CasePage:
    """A version's cases (the latest unless `version_id`), paged by position.

    With `q`, only the cases holding every word of it, ignoring case, in their description,
    variable names and values, or assertion types and values; `matches` counts them all.
    """
    r = repo()
    r.get_set(test_set_id)
    version = (
        r.get_version(version_id, test_set_id) if version_id else r.latest_version(test_set_id)
    )
    if version is None:
        raise InvalidInput("this test set has no version yet")
    words = (q or "").split()
    after = decode_cursor(cursor, (int,))
    rows = r.version_cases(version["id"], after[0] if after else -1, limit + 1, words)
    nxt = encode_cursor([rows[limit - 1]["position"]]) if len(rows) > limit else None
    matches = None
    if words:
        matches = (
            len(rows) if not after and nxt is None else r.count_version_cases(version["id"], words)
        )
    return CasePage(
        version=version_out(version),
        items=[case_row_out(c) for c in rows[:limit]],
        next_cursor=nxt,
        matches=matches,
    )


@router.post("/test-sets/<test_set_id>/cases", tags=TAG, status_code=201)
def add_case(test_set_id: uuid.UUID, body: CaseIn) -> VersionChange:
    """Append one case; a new version."""
    return change_out(uc.add_cases(repo=repo(), test_set_id=test_set_id, cases=to_cases([body])))


@router.post("/test-sets/<test_set_id>/cases/bulk", tags=TAG, status_code=201)
def bulk_add_cases(test_set_id: uuid.UUID, body: CasesAdd) -> VersionChange:
    """Append many cases at once; one new version."""
    return change_out(
        uc.add_cases(repo=repo(), test_set_id=test_set_id, cases=to_cases(body.cases))
    )


@router.put("/test-sets/<test_set_id>/cases/<case_id>", tags=TAG)
def edit_case(test_set_id: uuid.UUID, case_id: uuid.UUID, body: CaseIn) -> VersionChange:
    """Replace a case's content; a new version (the edited case gets a new id)."""
    (case,) = to_cases([body])
    return change_out(
        uc.edit_case(repo=repo(), test_set_id=test_set_id, case_id=case_id, case=case)
    )


@router.delete("/test-sets/<test_set_id>/cases/<case_id>", tags=TAG)
def delete_case(test_set_id: uuid.UUID, case_id: uuid.UUID) -> VersionChange:
    """Remove a case; a new version."""
    return change_out(uc.delete_case(repo=repo(), test_set_id=test_set_id, case_id=case_id))


def _body_text() -> tuple[str, uc.ImportFormat]:
    """The raw body as UTF-8 text and the import format its content type names."""
    event = router.current_event
    media = (event.headers.get("content-type") or "").split(";")[0].strip().lower()
    fmt = IMPORT_TYPES.get(media)
    if fmt is None:
        raise UnsupportedMediaType(
            f"send the file as one of {', '.join(IMPORT_TYPES)}, not {media or 'no content type'}",
            details={"content_type": media, "supported": list(IMPORT_TYPES)},
        )
    raw = event.body or ""
    try:
        data = base64.b64decode(raw, validate=True) if event.is_base64_encoded else raw.encode()
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("the body is not valid base64") from exc
    if len(data) > MAX_IMPORT_BYTES:
        raise PayloadTooLarge(
            f"the import is {len(data)} bytes; the limit is {MAX_IMPORT_BYTES}",
            details={"bytes": len(data), "limit": MAX_IMPORT_BYTES},
        )
    try:
        return data.decode("utf-8-sig"), fmt
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"the import is not UTF-8 (byte {exc.start})", details={"byte": exc.start}
        ) from exc


@router.post(
    "/test-sets/<test_set_id>/import",
    tags=TAG,
    status_code=201,
    description="Body: CSV (`text/csv`, promptfoo columns incl. `__expected`) or JSONL "
    "(`application/x-ndjson`, `application/jsonl`). All-or-nothing: a 400 lists every bad "
    "line as details.errors[] = {line, column, message}.",
)
def import_cases(
    test_set_id: uuid.UUID,
    mode: Literal["append", "replace"] = "append",
    filename: Annotated[str | None, Query(max_length=MAX_FILENAME)] = None,
) -> VersionChange:
    """Import cases from a CSV or JSONL body, appended or replacing; one new version.

    `filename` (the uploaded file's name) is what error messages call the file."""
    text, fmt = _body_text()
    return change_out(
        uc.import_cases(
            repo=repo(),
            test_set_id=test_set_id,
            text=text,
            fmt=fmt,
            replace=mode == "replace",
            filename=_file_name(filename),
        )
    )


def _file_name(given: str | None) -> str | None:
    """The last part of a client's file name, printable, or None for the default."""
    if given is None:
        return None
    name = given.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if any(not ch.isprintable() for ch in name):
        raise InvalidInput("filename holds control characters", details={"field": "filename"})
    return name or None


@router.get("/test-sets/<test_set_id>/export", tags=TAG)
def export_cases(
    test_set_id: uuid.UUID,
    format: Annotated[Literal["csv", "jsonl"], Query()] = "jsonl",
    version_id: uuid.UUID | None = None,
) -> Response[str]:
    """A version's cases (the latest unless `version_id`) as promptfoo CSV or JSONL."""
    r = repo()
    r.get_set(test_set_id)
    version = (
        r.get_version(version_id, test_set_id) if version_id else r.latest_version(test_set_id)
    )
    bodies = [row["body"] for row in r.version_cases(version["id"])] if version else []
    if format == "csv":
        return Response(200, "text/csv; charset=utf-8", test_set_files.cases_csv(bodies))
    return Response(200, "application/x-ndjson", test_set_files.cases_jsonl(bodies))
