"""Routes under /v1/runs: create and start, list, read with progress, cancel."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from assay.adapters.openrouter import OPENROUTER_BASE_URL
from assay.adapters.postgres.prompts_repo import PromptsRepo
from assay.adapters.postgres.results_repo import ResultsRepo
from assay.adapters.postgres.runs_repo import RunsRepo
from assay.adapters.postgres.test_sets_repo import TestSetsRepo
from assay.domain.errors import Conflict
from assay.domain.models import AssertionSpec, RunStatus
from assay.http.request import RequestScope, scope_of
from assay.http.schemas.common import DEFAULT_PAGE, MAX_PAGE, decode_cursor, encode_cursor
from assay.http.schemas.runs import (
    ProgressOut,
    RunCreate,
    RunModelOut,
    RunOut,
    RunOverview,
    RunPage,
    RunPromptOut,
    SummaryOut,
)
from assay.usecases import results as read
from assay.usecases.run_launch import ModelChoice, RunRequest, launch_run

router = Router()  # type: ignore[no-untyped-call]
TAG = ["runs"]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def runs_repo() -> RunsRepo:
    """The run repository on this request's connection and workspace."""
    scope = scope_of(router)
    return RunsRepo(scope.conn, scope.workspace_id)


def results_repo() -> ResultsRepo:
    """The results repository on this request's connection and workspace."""
    scope = scope_of(router)
    return ResultsRepo(scope.conn, scope.workspace_id)


def _base_url(scope: RequestScope) -> str:
    settings = getattr(scope.services, "settings", None)
    return str(getattr(settings, "openrouter_base_url", None) or OPENROUTER_BASE_URL)


def run_out(repo: RunsRepo, row: dict[str, Any], *, detail: bool) -> RunOut:
    """A run row, with prompts, models, progress and summary when `detail`."""
    spec = row["spec"] or {}
    out = RunOut(
        **{k: row[k] for k in ("id", "name", "status", "error", "test_set_version_id",
                               "total_cells", "created_at", "started_at", "finished_at",
                               "test_set_id", "test_set_name", "test_set_version",
                               "model_labels")},
        repeats=spec.get("repeats", 1),
        concurrency=spec.get("concurrency", 10),
    )  # fmt: skip
    if not detail:
        kept = row.get("kept_rows")
        out.overview = overview([summary_out(r) for r in kept]) if kept else None
        return out
    prompts, providers = repo.prompts(row["id"]), repo.providers(row["id"])
    out.prompts = [RunPromptOut.model_validate(p) for p in prompts]
    out.models = [
        RunModelOut(position=p["position"], label=p["label"], id=p["provider"]["id"],
                    params=p["provider"].get("params", {}))
        for p in providers
    ]  # fmt: skip
    progress, summary = read.run_report(runs=repo, run=row, prompts=prompts, providers=providers)
    out.progress = ProgressOut(**read.progress_of(progress))
    out.summary = [summary_out(s) for s in summary]
    out.overview = overview(out.summary)
    return out


def overview(rows: list[SummaryOut]) -> RunOverview:
    """Totals over a run's prompt × model aggregates."""
    passed, failed, errors = (
        sum(r.passed for r in rows),
        sum(r.failed for r in rows),
        sum(r.errors for r in rows),
    )
    graded = passed + failed + errors
    return RunOverview(
        passed=passed, failed=failed, errors=errors, pass_rate=passed / graded if graded else None,
        cost=sum(r.cost for r in rows),
    )  # fmt: skip


def run_summary(repo: RunsRepo, run_id: uuid.UUID) -> list[SummaryOut]:
    """A run's aggregates per prompt × model, as `run_out` reports them."""
    out = run_out(repo, repo.get(run_id, shown=True), detail=True)
    return out.summary or []


def summary_out(r: dict[str, Any]) -> SummaryOut:
    """A summary SQL row with its pass rate."""
    graded = r["passed"] + r["failed"] + r["errors"]
    return SummaryOut(
        prompt_label=r["prompt_label"], provider=r["provider"], cells=r["cells"],
        passed=r["passed"], failed=r["failed"], errors=r["errors"], pending=r["pending"],
        pass_rate=r["passed"] / graded if graded else None,
        mean_score=float(r["mean_score"]) if r["mean_score"] is not None else None,
        cost=float(r["cost"]), prompt_tokens=int(r["prompt_tokens"]),
        completion_tokens=int(r["completion_tokens"]),
        latency_p50_ms=r["p50"], latency_p95_ms=r["p95"],
    )  # fmt: skip


@router.post("/runs", tags=TAG, status_code=201)
def create_run(body: RunCreate) -> RunOut:
    """Store a run (pinned test set version, prompt versions, models) and start it."""
    scope = scope_of(router)
    runs = runs_repo()
    request = RunRequest(
        prompt_version_ids=body.prompt_version_ids,
        models=[ModelChoice(m.id, m.label, m.params.model_dump(exclude_none=True))
                for m in body.models],
        test_set_version_id=body.test_set_version_id,
        test_set_id=body.test_set_id,
        name=body.name,
        assertions=[AssertionSpec.model_validate(a.model_dump()) for a in body.assertions],
        repeats=body.repeats,
        concurrency=body.concurrency,
        use_cache=body.use_cache,
    )  # fmt: skip
    run_id = launch_run(
        runs=runs,
        test_sets=TestSetsRepo(scope.conn, scope.workspace_id),
        prompts=PromptsRepo(scope.conn, scope.workspace_id),
        request=request,
        user_id=scope.user_id,
        openrouter_base_url=_base_url(scope),
        has_openrouter_key=scope.services.has_openrouter_key,
        on_commit=scope.on_commit,
        start=scope.services.start_run,
    )
    return run_out(runs, runs.get(run_id, shown=True), detail=True)


@router.get("/runs", tags=TAG)
def list_runs(
    cursor: str | None = None,
    limit: Limit = DEFAULT_PAGE,
    status: RunStatus | None = None,
    test_set_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> RunPage:
    """Runs, newest first; only those in `status`, of a test set, or whose name holds `q`."""
    after = decode_cursor(cursor, (str, str))
    repo = runs_repo()
    rows = repo.list_page(
        (after[0], after[1]) if after else None,
        limit + 1,
        status=status,
        test_set_id=test_set_id,
        name=(q or "").strip() or None,
    )
    nxt = None
    if len(rows) > limit:
        last = rows[limit - 1]
        nxt = encode_cursor([last["created_at"].isoformat(), str(last["id"])])
    return RunPage(items=[run_out(repo, r, detail=False) for r in rows[:limit]], next_cursor=nxt)


@router.get("/runs/<run_id>", tags=TAG)
def read_run(run_id: uuid.UUID) -> RunOut:
    """A run with live progress (counts from Postgres) and aggregates per prompt × model."""
    repo = runs_repo()
    return run_out(repo, repo.get(run_id, shown=True), detail=True)


@router.post("/runs/<run_id>/cancel", tags=TAG)
def cancel_run(run_id: uuid.UUID) -> RunOut:
    """Stop a run: unfinished cells are cancelled and no new call is made. A call already sent
    was paid for: its answer is stored when it lands, and its cell counts as done or failed."""
    scope = scope_of(router)
    repo = runs_repo()
    row = repo.get(run_id, lock=True)
    if row["status"] in ("completed", "failed"):
        raise Conflict(
            f"run {run_id} has already {row['status']}", details={"status": row["status"]}
        )
    repo.cancel(run_id)
    scope.on_commit(lambda: scope.services.stop_run(run_id, "cancelled through the API"))
    return run_out(repo, repo.get(run_id, shown=True), detail=True)


from assay.http.routes import run_latency, run_results  # noqa: E402, F401  (registers their routes)
