"""Reading a run back: result rows streamed for exports, aggregates per prompt × model."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

from psycopg import Connection
from psycopg.rows import dict_row

from assay.domain.models import GradingResult, ResultRecord, SummaryRow

_RESULT_ROWS = """
select c.id as cell_id, c.run_id, c.case_position, c.repeat, c.state, c.error as cell_error,
       t.body as case_body, p.label as prompt_label, v.label as provider,
       r.output, r.error, r.passed, r.score, r.grading, r.latency_ms, r.prompt_tokens,
       r.completion_tokens, r.total_tokens, r.cost, r.cached, r.finish_reason
from cells c
join run_prompts p on p.run_id = c.run_id and p.position = c.prompt_position
join run_providers v on v.run_id = c.run_id and v.position = c.provider_position
left join test_cases t on t.id = c.test_case_id
left join results r on r.cell_id = c.id
where c.run_id = %s
order by c.prompt_position, c.provider_position, c.case_position, c.repeat
"""

_SUMMARY = """
select p.label as prompt_label, v.label as provider, count(*) as cells,
  count(*) filter (where r.passed and r.error is null) as passed,
  count(*) filter (where r.passed = false and r.error is null) as failed,
  count(*) filter (where r.error is not null) as errors,
  count(*) filter (where r.cell_id is null and c.state <> 'cancelled') as pending,
  avg(r.score) filter (where r.error is null) as mean_score,
  coalesce(sum(r.cost), 0) as cost,
  coalesce(sum(r.prompt_tokens), 0) as prompt_tokens,
  coalesce(sum(r.completion_tokens), 0) as completion_tokens,
  percentile_cont(0.5) within group (order by r.latency_ms)
    filter (where r.error is null and not r.cached) as p50,
  percentile_cont(0.95) within group (order by r.latency_ms)
    filter (where r.error is null and not r.cached) as p95
from cells c
join run_prompts p on p.run_id = c.run_id and p.position = c.prompt_position
join run_providers v on v.run_id = c.run_id and v.position = c.provider_position
left join results r on r.cell_id = c.id
where c.run_id = %s
group by c.prompt_position, c.provider_position, p.label, v.label
order by c.prompt_position, c.provider_position
"""


def to_record(row: dict[str, Any]) -> ResultRecord:
    """One exported row from a joined cell/result row."""
    case = row["case_body"] or {}
    return ResultRecord(
        run_id=str(row["run_id"]),
        cell_id=str(row["cell_id"]),
        case_index=row["case_position"],
        description=case.get("description"),
        vars=case.get("vars", {}),
        prompt_label=row["prompt_label"],
        provider=row["provider"],
        repeat=row["repeat"],
        state=row["state"],
        output=row["output"],
        error=row["error"] or row["cell_error"],
        passed=row["passed"],
        score=row["score"],
        grading=GradingResult.model_validate(row["grading"]) if row["grading"] else None,
        latency_ms=row["latency_ms"],
        prompt_tokens=row["prompt_tokens"],
        completion_tokens=row["completion_tokens"],
        total_tokens=row["total_tokens"],
        cost=row["cost"],
        cached=bool(row["cached"]),
        finish_reason=row["finish_reason"],
    )


class PostgresRunReports:
    """Read-only views of a run."""

    def __init__(self, connect: Callable[[], Connection[Any]]) -> None:
        self._connect = connect

    def iter_results(self, run_id: uuid.UUID) -> Iterator[ResultRecord]:
        """Every cell with its result, in (prompt, model, case, repeat) order, streamed."""
        with self._connect() as conn, conn.transaction():
            cur = conn.cursor(name=f"results_{uuid.uuid4().hex}", row_factory=dict_row)
            cur.itersize = 1000
            cur.execute(_RESULT_ROWS, (run_id,))
            for row in cur:
                yield to_record(row)

    def summary(self, run_id: uuid.UUID) -> list[SummaryRow]:
        """Aggregates per prompt × model."""
        with self._connect() as conn:
            rows = conn.cursor(row_factory=dict_row).execute(_SUMMARY, (run_id,)).fetchall()
        out = []
        for r in rows:
            graded = r["passed"] + r["failed"] + r["errors"]
            out.append(
                SummaryRow(
                    prompt_label=r["prompt_label"],
                    provider=r["provider"],
                    cells=r["cells"],
                    passed=r["passed"],
                    failed=r["failed"],
                    errors=r["errors"],
                    pending=r["pending"],
                    pass_rate=r["passed"] / graded if graded else None,
                    mean_score=float(r["mean_score"]) if r["mean_score"] is not None else None,
                    cost=float(r["cost"]),
                    prompt_tokens=int(r["prompt_tokens"]),
                    completion_tokens=int(r["completion_tokens"]),
                    latency_p50_ms=r["p50"],
                    latency_p95_ms=r["p95"],
                )
            )
        return out
