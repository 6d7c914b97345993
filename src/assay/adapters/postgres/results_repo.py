"""A run's results: keyset pages with filters, a streamed export, and run-to-run comparison."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row

from assay.adapters.postgres.compare_sql import COMPARE
from assay.adapters.postgres.reports import _RESULT_ROWS, to_record
from assay.domain.models import ResultRecord
from assay.usecases.results import ResultFilter

Row = dict[str, Any]

_PAGE = """
select c.id as cell_id, c.case_position, c.prompt_position, c.provider_position, c.repeat,
       c.state, c.error as cell_error, c.test_case_id, t.body as case_body,
       r.output, r.error, r.passed, r.score, r.grading, r.latency_ms, r.prompt_tokens,
       r.completion_tokens, r.cost, r.cached, r.finish_reason
from cells c
{join} results r on r.cell_id = c.id and r.workspace_id = c.workspace_id
left join test_cases t on t.id = c.test_case_id
where c.workspace_id = %(ws)s and c.run_id = %(run)s {where}
order by c.case_position, c.prompt_position, c.provider_position, c.repeat
limit %(limit)s
"""

_STATUS = {
    "passed": ("join", "r.passed and r.error is null"),
    "failed": ("join", "r.passed = false and r.error is null"),
    "error": ("join", "r.error is not null"),
    "pending": ("left join", "r.cell_id is null and c.state in ('pending', 'leased')"),
    "cancelled": ("left join", "c.state = 'cancelled'"),
}


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ResultsRepo:
    """SQL reading results; every query filters on the workspace as well as RLS."""

    def __init__(self, conn: psycopg.Connection[Any], workspace_id: uuid.UUID) -> None:
        self._conn = conn
        self._ws = workspace_id

    def page(
        self, run_id: uuid.UUID, flt: ResultFilter, after: Sequence[int] | None, limit: int
    ) -> list[Row]:
        """Cells with results in (case, prompt, model, repeat) order after a keyset position."""
        join, where = "left join", []
        params: dict[str, Any] = {"ws": self._ws, "run": run_id, "limit": limit}
        if after is not None:
            where.append(
                "(c.case_position, c.prompt_position, c.provider_position, c.repeat) "
                "> (%(k0)s, %(k1)s, %(k2)s, %(k3)s)"
            )
            params.update({f"k{i}": v for i, v in enumerate(after)})
        if flt.prompt_positions is not None:
            where.append("c.prompt_position = any(%(prompts)s)")
            params["prompts"] = list(flt.prompt_positions)
        if flt.provider_positions is not None:
            where.append("c.provider_position = any(%(providers)s)")
            params["providers"] = list(flt.provider_positions)
        if flt.status is not None:
            join, condition = _STATUS[flt.status]
            where.append(condition)
        if flt.text:
            join = "join"
            where.append("r.output ilike %(text)s")
            params["text"] = _like(flt.text)
        query = _PAGE.format(join=join, where="".join(f" and {w}" for w in where))
        return self._conn.cursor(row_factory=dict_row).execute(query, params).fetchall()

    def records(self, run_id: uuid.UUID) -> Iterator[ResultRecord]:
        """Every cell as an export record, streamed through a server-side cursor."""
        with self._conn.cursor(name=f"export_{uuid.uuid4().hex}", row_factory=dict_row) as cur:
            cur.itersize = 1000
            cur.execute(_RESULT_ROWS, (run_id,))
            for row in cur:
                yield to_record(row)

    def compare(
        self,
        base: uuid.UUID,
        head: uuid.UUID,
        *,
        changes: Sequence[str] | None,
        prompt: str | None,
        provider: str | None,
        after: Sequence[Any] | None,
        limit: int,
    ) -> tuple[dict[str, int], list[Row]]:
        """Counts per change and one page of matched cells (both runs checked to be ours)."""
        params = {
            "ws": self._ws, "base": base, "head": head, "changes": list(changes or []),
            "all_changes": changes is None, "prompt": prompt, "provider": provider,
            "has_after": after is not None, "limit": limit,
            **{f"k{i}": v for i, v in enumerate(after or (0, 0, "", "", 0))},
        }  # fmt: skip
        row = self._conn.cursor(row_factory=dict_row).execute(COMPARE, params).fetchone()
        assert row is not None
        return dict(row["counts"] or {}), list(row["items"] or [])
