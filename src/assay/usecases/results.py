"""Reading runs back: progress, results pages, exports as bytes, comparison of two runs."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from assay.domain.errors import InvalidInput
from assay.exports.meta import RunMeta
from assay.exports.registry import writer_for

Row = dict[str, Any]
ExportFormat = Literal["csv", "jsonl", "junit"]
EXPORT_FILES = {"csv": ".csv", "jsonl": ".jsonl", "junit": ".xml"}
FINISHED = frozenset({"completed", "failed", "cancelled"})


@dataclass(frozen=True)
class ResultFilter:
    """What a results page is narrowed to, in the run's positions."""

    prompt_positions: Sequence[int] | None = None
    provider_positions: Sequence[int] | None = None
    status: str | None = None
    text: str | None = None
    from_case: int | None = None
    to_case: int | None = None
    # (prompt, model, repeat) positions bounding each case's cells, both ends included
    first_cell: tuple[int, int, int] | None = None
    last_cell: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class ResultQuery:
    """Filters by label as a caller names them."""

    provider: str | None = None
    prompt: str | None = None
    prompt_version_id: uuid.UUID | None = None
    status: str | None = None
    text: str | None = None
    from_case: int | None = None
    to_case: int | None = None
    # a case's cells numbered 0.. in (prompt, model, repeat) order; both ends included
    columns: tuple[int, int] | None = None


def progress_of(raw: Row) -> dict[str, Any]:
    """Counts by state as the API reports them (`running` = leased)."""
    counts = raw["counts"]
    return {
        "total": sum(counts.values()),
        "pending": counts.get("pending", 0),
        "running": counts.get("leased", 0),
        "done": counts.get("done", 0),
        "failed": counts.get("failed", 0),
        "cancelled": counts.get("cancelled", 0),
        "passed": raw["passed"],
        "cost": raw["cost"],
    }


def run_report(
    *, runs: Any, run: Row, prompts: Sequence[Row], providers: Sequence[Row]
) -> tuple[Row, list[Row]]:
    """Raw progress and summary rows: computed while the run goes on, kept once it finished.

    Whatever finishes a run keeps its report then (`keep_finished_summary`); a read computes
    and keeps it only when that failed or was undone. The database forgets a kept report when
    the run's results or status change. A result committed between the statements that compute
    a report and its store (a call in flight at cancellation) could leave a kept report one
    result behind; the cost of closing that window is a serializable read of every finished
    run, which this does not pay.
    """
    finished = run["status"] in FINISHED
    if finished:
        stored = runs.stored_summary(run["id"])
        if stored is not None:
            return dict(stored[0]), list(stored[1])
    progress, rows = report_of(
        runs.results_by_pair(run["id"]), runs.cells_by_pair(run["id"]), prompts, providers
    )
    if finished:
        runs.store_summary(run["id"], run["status"], progress, rows)
    return progress, rows


def report_of(
    results: Sequence[Row],
    cells: Sequence[tuple[int, int, str, int]],
    prompts: Sequence[Row],
    providers: Sequence[Row],
) -> tuple[Row, list[Row]]:
    """Raw progress and summary rows from result aggregates and cell counts per pair and state.

    What a read reports and what finishing a run keeps on it, so both come from here.
    """
    by_state: dict[str, int] = {}
    by_pair: dict[tuple[int, int], int] = {}
    for prompt, provider, state, count in cells:
        by_state[state] = by_state.get(state, 0) + count
        by_pair[prompt, provider] = by_pair.get((prompt, provider), 0) + count
    progress = {
        "counts": by_state,
        "passed": sum(r["passed"] for r in results),
        "cost": float(sum(r["cost"] for r in results)),
    }
    return progress, summary_rows(results, by_pair, prompts, providers)


def summary_rows(
    results: Sequence[Row],
    cells: dict[tuple[int, int], int],
    prompts: Sequence[Row],
    providers: Sequence[Row],
) -> list[Row]:
    """Per-pair result aggregates and cell counts, labelled, in (prompt, model) order."""
    by_pair = {(r["prompt_position"], r["provider_position"]): r for r in results}
    prompt_labels = {p["position"]: p["label"] for p in prompts}
    provider_labels = {p["position"]: p["label"] for p in providers}
    out = []
    for (prompt, provider), count in sorted(cells.items()):
        r = by_pair.get((prompt, provider), {})
        out.append(
            {
                "prompt_label": prompt_labels[prompt],
                "provider": provider_labels[provider],
                "cells": count,
                "pending": count - r.get("results", 0),
                **{k: r.get(k, 0) for k in ("passed", "failed", "errors", "cost")},
                **{k: r.get(k, 0) for k in ("prompt_tokens", "completion_tokens")},
                **{k: r.get(k) for k in ("mean_score", "p50", "p95")},
            }
        )
    return out


def cell_at(column: int, models: int, repeats: int) -> tuple[int, int, int]:
    """The (prompt, model, repeat) positions of a case's cell number `column`."""
    return column // (models * repeats), (column // repeats) % models, column % repeats


def result_filter(
    query: ResultQuery, prompts: Sequence[Row], providers: Sequence[Row], repeats: int = 1
) -> ResultFilter:
    """Labels and version ids resolved to the run's positions (an unknown label matches none),
    cell numbers to (prompt, model, repeat) positions."""
    prompt_positions = None
    if query.prompt is not None or query.prompt_version_id is not None:
        wanted = query.prompt_version_id
        prompt_positions = [
            p["position"] for p in prompts
            if (query.prompt is None or p["label"] == query.prompt)
            and (wanted is None or p["prompt_version_id"] == wanted)
        ]  # fmt: skip
    provider_positions = None
    if query.provider is not None:
        provider_positions = [
            p["position"] for p in providers
            if query.provider in (p["label"], p["provider"].get("id"))
        ]  # fmt: skip
    first = last = None
    if query.columns is not None:
        if query.from_case is None or query.to_case is None:
            raise InvalidInput(
                "from_column and to_column need from_case and to_case",
                details={"field": "from_column"},
            )
        models = max(1, len(providers))
        width = max(1, len(prompts)) * models * repeats
        lo, hi = query.columns[0], min(query.columns[1], width - 1)
        first, last = cell_at(lo, models, repeats), cell_at(max(lo, hi), models, repeats)
    return ResultFilter(
        prompt_positions, provider_positions, query.status, query.text, query.from_case,
        query.to_case, first, last,
    )  # fmt: skip


def results_page(
    *,
    runs: Any,
    results: Any,
    run_id: uuid.UUID,
    query: ResultQuery,
    after: Sequence[int] | None,
    limit: int,
) -> tuple[list[Row], Sequence[int] | None]:
    """One page of a run's cells with results, labelled; and the key to continue after."""
    run = runs.get(run_id)
    prompts, providers = runs.prompts(run_id), runs.providers(run_id)
    repeats = int((run["spec"] or {}).get("repeats", 1))
    flt = result_filter(query, prompts, providers, repeats)
    rows, resume = results.page(run_id, flt, after, limit + 1)
    by_prompt = {p["position"]: p for p in prompts}
    by_provider = {p["position"]: p for p in providers}
    for row in rows:
        prompt = by_prompt[row["prompt_position"]]
        row["prompt_label"] = prompt["label"]
        row["prompt_version_id"] = prompt["prompt_version_id"]
        row["provider"] = by_provider[row["provider_position"]]["label"]
    nxt: Sequence[int] | None = resume
    if len(rows) > limit:
        last = rows[limit - 1]
        nxt = [last[k] for k in ("case_position", "prompt_position", "provider_position", "repeat")]
    return rows[:limit], nxt


def export_run(
    *, runs: Any, results: Any, run_id: uuid.UUID, fmt: ExportFormat, summary: Sequence[Any]
) -> bytes:
    """The run's results in a file format, through the same writers as `assay run -o`."""
    run = runs.get(run_id)
    if fmt not in EXPORT_FILES:
        raise InvalidInput(f"unknown export format {fmt!r}", details={"format": fmt})
    meta = RunMeta(
        run_id=str(run_id),
        description=run["name"],
        created_at=run["created_at"],
        source=(run["spec"] or {}).get("source"),
        status=run["status"],
        cells=run["total_cells"],
        passed=sum(s.passed for s in summary),
        failed=sum(s.failed for s in summary),
        errors=sum(s.errors for s in summary),
        cost=sum(s.cost for s in summary),
    )
    with tempfile.TemporaryDirectory(prefix="assay-export-") as tmp:
        path = Path(tmp) / f"results{EXPORT_FILES[fmt]}"
        writer_for(path).write(path, records=results.records(run_id), summary=summary, meta=meta)
        return path.read_bytes()


def compare_runs(
    *,
    runs: Any,
    results: Any,
    base: uuid.UUID,
    head: uuid.UUID,
    changes: Sequence[str] | None,
    prompt: str | None,
    provider: str | None,
    after: Sequence[Any] | None,
    limit: int,
) -> tuple[dict[str, int], list[Row], list[Any] | None]:
    """Counts of every change (within the prompt and model asked for), a page of matched cells,
    and the key to continue after."""
    runs.get(base)
    runs.get(head)
    counts, rows = results.compare(
        base,
        head,
        changes=changes,
        prompt=prompt,
        provider=provider,
        after=after,
        limit=limit + 1,
    )
    nxt = None
    if len(rows) > limit:
        last = rows[limit - 1]
        nxt = [last["pos"], last["side"], last["prompt_label"], last["provider"], last["repeat"]]
    full = {k: 0 for k in ("improved", "regressed", "unchanged", "new", "removed")}
    return full | counts, rows[:limit], nxt
