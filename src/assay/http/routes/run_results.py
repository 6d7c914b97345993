"""Routes under /v1/runs/{id}: results pages, exports, and comparison with another run."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from assay.domain.errors import InvalidInput
from assay.domain.models import SummaryRow
from assay.http.errors import PayloadTooLarge
from assay.http.routes.runs import TAG, Limit, results_repo, router, run_summary, runs_repo
from assay.http.schemas.common import DEFAULT_PAGE, decode_cursor, encode_cursor
from assay.http.schemas.runs import (
    Change,
    CompareItem,
    ComparePage,
    ResultOut,
    ResultPage,
    ResultStatus,
)
from assay.usecases import results as read

MAX_EXPORT_BYTES = 5 * 1024 * 1024
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "junit": "application/xml",
}
Text = Annotated[str | None, Query(min_length=1, max_length=500)]
FromCase = Annotated[
    int | None,
    Query(ge=0, le=2**31 - 1, description="start at this case position (0-based)"),
]
ToCase = Annotated[
    int | None,
    Query(ge=0, le=2**31 - 1, description="end at this case position (included)"),
]
Column = Annotated[
    int | None,
    Query(
        ge=0,
        le=2**31 - 1,
        description="a case's cells numbered from 0 in (prompt, model, repeat) order; "
        "from_column..to_column (both included, with from_case and to_case) is a rectangle "
        "of the results grid",
    ),
]


@router.get("/runs/<run_id>/results", tags=TAG)
def list_results(
    run_id: uuid.UUID,
    cursor: str | None = None,
    limit: Limit = DEFAULT_PAGE,
    provider: Text = None,
    prompt: Text = None,
    prompt_version_id: uuid.UUID | None = None,
    status: ResultStatus | None = None,
    q: Text = None,
    from_case: FromCase = None,
    to_case: ToCase = None,
    from_column: Column = None,
    to_column: Column = None,
) -> ResultPage:
    """Cells with results in (case, prompt, model, repeat) order; filter by model label,
    prompt label or version, outcome, or text in the output; `from_case`..`to_case` bound the
    case positions, `from_column`..`to_column` the cells of each case. Each item carries its
    case's own `assert` list."""
    after = decode_cursor(cursor, (int, int, int, int))
    columns = None
    if from_column is not None or to_column is not None:
        if from_column is None or to_column is None or to_column < from_column:
            raise InvalidInput(
                "give from_column and to_column together, from_column first",
                details={"field": "to_column"},
            )
        columns = (from_column, to_column)
    if from_case is not None and to_case is not None and to_case < from_case:
        raise InvalidInput("to_case is before from_case", details={"field": "to_case"})
    rows, nxt = read.results_page(
        runs=runs_repo(), results=results_repo(), run_id=run_id, after=after, limit=limit,
        query=read.ResultQuery(
            provider, prompt, prompt_version_id, status, q, from_case, to_case, columns
        ),
    )  # fmt: skip
    items = []
    for r in rows:
        case = r["case_body"] or {}
        fields = {k: r[k] for k in ResultOut.model_fields if k in r}
        fields |= {
            "description": case.get("description"),
            "vars": case.get("vars", {}),
            "assert": case.get("assert", []),
            "error": r["error"] or r["cell_error"],
        }
        items.append(ResultOut.model_validate(fields))  # fmt: skip
    return ResultPage(items=items, next_cursor=encode_cursor(list(nxt)) if nxt else None)


@router.get("/runs/<run_id>/export", tags=TAG)
def export_results(
    run_id: uuid.UUID, format: Literal["csv", "jsonl", "junit"] = "jsonl"
) -> Response[str]:
    """Every result as CSV, JSONL or JUnit XML (the formats of `assay run -o`)."""
    runs = runs_repo()
    summary = [SummaryRow(**s.model_dump()) for s in run_summary(runs, run_id)]
    data = read.export_run(
        runs=runs, results=results_repo(), run_id=run_id, fmt=format, summary=summary
    )
    if len(data) > MAX_EXPORT_BYTES:
        raise PayloadTooLarge(
            f"the export is {len(data)} bytes, over the {MAX_EXPORT_BYTES} an answer may carry; "
            "page through /results instead",
            details={"bytes": len(data), "limit": MAX_EXPORT_BYTES},
        )
    return Response(200, EXPORT_TYPES[format], data.decode("utf-8"))


@router.get("/runs/<run_id>/compare", tags=TAG)
def compare_runs(
    run_id: uuid.UUID,
    base_run_id: uuid.UUID,
    change: Annotated[list[Change] | None, Query()] = None,
    prompt: Text = None,
    provider: Text = None,
    cursor: str | None = None,
    limit: Limit = DEFAULT_PAGE,
) -> ComparePage:
    """This run against `base_run_id`, cell by cell: improved, regressed, unchanged, new,
    removed; cells match on case vars, prompt label, model label and repeat. `prompt` and
    `provider` narrow both the cells and the counts; `change` narrows the cells only."""
    after = decode_cursor(cursor, (int, int, str, str, int))
    counts, rows, nxt = read.compare_runs(
        runs=runs_repo(), results=results_repo(), base=base_run_id, head=run_id,
        changes=change, prompt=prompt, provider=provider, after=after, limit=limit,
    )  # fmt: skip
    return ComparePage(
        base_run_id=base_run_id,
        head_run_id=run_id,
        counts=counts,
        items=[CompareItem.model_validate(r) for r in rows],
        next_cursor=encode_cursor(nxt) if nxt else None,
    )
