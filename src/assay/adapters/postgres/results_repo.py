"""A run's results: keyset pages with filters, a streamed export, and run-to-run comparison."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row

from assay.adapters.postgres.compare_sql import COMPARE
from assay.adapters.postgres.latency_sql import LATENCY
from assay.adapters.postgres.reports import _RESULT_ROWS, to_record
from assay.domain.models import ResultRecord
from assay.usecases.results import ResultFilter

Row = dict[str, Any]

# Filters on the cell (or none) walk cells in page order; filters on the result walk results.
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

_PAGE_BY_RESULT = """
select c.id as cell_id, c.case_position, c.prompt_position, c.provider_position, c.repeat,
       c.state, c.error as cell_error, c.test_case_id, t.body as case_body,
       r.output, r.error, r.passed, r.score, r.grading, r.latency_ms, r.prompt_tokens,
       r.completion_tokens, r.cost, r.cached, r.finish_reason
from results r
join cells c on c.id = r.cell_id and c.workspace_id = r.workspace_id
left join test_cases t on t.id = c.test_case_id
where r.workspace_id = %(ws)s and r.run_id = %(run)s {where}
order by r.case_position, r.prompt_position, r.provider_position, r.repeat
limit %(limit)s
"""

# A text search scans the run in page order, this many results per call at most.
TEXT_WINDOW = 5000
_KEY = ("case_position", "prompt_position", "provider_position", "repeat")

# The window is a subquery, not a CTE, so the planner knows its rows come in page order: the
# match filter and the page limit then stop reading as soon as the page is full, and only the
# page's rows are joined with their cells.
_PAGE_BY_TEXT = """
with hits as materialized (
  select w.* from (
    select r.* from results r
    where r.workspace_id = %(ws)s and r.run_id = %(run)s {where}
    order by r.case_position, r.prompt_position, r.provider_position, r.repeat
    limit %(window)s
  ) w
  where w.output ilike %(text)s
  order by w.case_position, w.prompt_position, w.provider_position, w.repeat
  limit %(limit)s
)
select c.id as cell_id, c.case_position, c.prompt_position, c.provider_position, c.repeat,
       c.state, c.error as cell_error, c.test_case_id, t.body as case_body,
       w.output, w.error, w.passed, w.score, w.grading, w.latency_ms, w.prompt_tokens,
       w.completion_tokens, w.cost, w.cached, w.finish_reason
from hits w
join cells c on c.id = w.cell_id and c.workspace_id = w.workspace_id
left join test_cases t on t.id = c.test_case_id
order by w.case_position, w.prompt_position, w.provider_position, w.repeat
"""

_WINDOW_END = """
select r.case_position, r.prompt_position, r.provider_position, r.repeat from results r
where r.workspace_id = %(ws)s and r.run_id = %(run)s {where}
order by r.case_position, r.prompt_position, r.provider_position, r.repeat
offset %(window)s - 1 limit 1
"""


def query_where(conditions: Sequence[str]) -> str:
    """Conditions appended to a WHERE clause."""
    return "".join(f" and {c}" for c in conditions)


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
    ) -> tuple[list[Row], list[int] | None]:
        """Cells with results in (case, prompt, model, repeat) order after a keyset position.

        A text search reads at most TEXT_WINDOW results per call (its cost is bounded whatever
        the match rate); when that window ends before the page is full, the second value is the
        key to resume from, so a page may hold fewer rows than `limit` yet not be the last.
        """
        join, where = "left join", []
        alias = "c"
        params: dict[str, Any] = {"ws": self._ws, "run": run_id, "limit": limit}
        if flt.status is not None:
            join, condition = _STATUS[flt.status]
            where.append(condition)
        if flt.text:
            join = "join"
            params["text"] = _like(flt.text)
            params["window"] = TEXT_WINDOW
        if join == "join":
            alias = "r"
        if after is not None:
            where.append(
                f"({alias}.case_position, {alias}.prompt_position, {alias}.provider_position, "
                f"{alias}.repeat) > (%(k0)s, %(k1)s, %(k2)s, %(k3)s)"
            )
            params.update({f"k{i}": v for i, v in enumerate(after)})
        if flt.from_case is not None:
            where.append(f"{alias}.case_position >= %(from_case)s")
            params["from_case"] = flt.from_case
        if flt.to_case is not None:
            where.append(f"{alias}.case_position <= %(to_case)s")
            params["to_case"] = flt.to_case
        if flt.first_cell is not None and flt.last_cell is not None:
            # the same span of cells in every case: a rectangle of the results grid
            cell = f"({alias}.prompt_position, {alias}.provider_position, {alias}.repeat)"
            where.append(f"{cell} >= (%(f0)s, %(f1)s, %(f2)s)")
            where.append(f"{cell} <= (%(l0)s, %(l1)s, %(l2)s)")
            params.update({f"f{i}": v for i, v in enumerate(flt.first_cell)})
            params.update({f"l{i}": v for i, v in enumerate(flt.last_cell)})
        if flt.prompt_positions is not None:
            where.append(f"{alias}.prompt_position = any(%(prompts)s)")
            params["prompts"] = list(flt.prompt_positions)
        if flt.provider_positions is not None:
            where.append(f"{alias}.provider_position = any(%(providers)s)")
            params["providers"] = list(flt.provider_positions)
        template = _PAGE_BY_RESULT if join == "join" else _PAGE
        if flt.text:
            template = _PAGE_BY_TEXT
        query = template.format(join=join, where=query_where(where))
        cur = self._conn.cursor(row_factory=dict_row)
        rows = cur.execute(query, params).fetchall()
        if not flt.text or len(rows) >= limit:
            return rows, None
        end = cur.execute(_WINDOW_END.format(where=query_where(where)), params).fetchone()
        return rows, None if end is None else [end[k] for k in _KEY]

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
        # Two runs' cells are joined and sorted in memory; 4MB (the default) spills to disk.
        self._conn.execute("select set_config('work_mem', '64MB', true)")
        row = self._conn.cursor(row_factory=dict_row).execute(COMPARE, params).fetchone()
        assert row is not None
        return dict(row["counts"] or {}), list(row["items"] or [])

    def latency(self, run_id: uuid.UUID, buckets: int) -> list[Row]:
        """Latency histograms per (prompt, model) position over the run's min..max, in one query.

        Every row carries the run's `lo` and `hi`; a run with no eligible result gives one row
        whose positions are null.
        """
        params = {"ws": self._ws, "run": run_id, "n": buckets}
        return self._conn.cursor(row_factory=dict_row).execute(LATENCY, params).fetchall()
