"""Terminal rendering of a run's results: the summary table and the closing footer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from assay.cli.progress import RunProgress
from assay.domain.models import SummaryRow

__all__ = ["RunProgress", "print_run_footer", "summary_table"]

GOOD_RATE = 0.9
FAIR_RATE = 0.5
_DASH = "—"


def _rate(passed: int, graded: int, stated: float | None) -> float | None:
    """A pass rate as a fraction 0..1: the stated one, else passed over finished cells."""
    if stated is not None:
        return stated
    return passed / graded if graded else None


def _rate_text(rate: float | None) -> Text:
    if rate is None:
        return Text(_DASH, style="dim")
    style = "green" if rate >= GOOD_RATE else "yellow" if rate >= FAIR_RATE else "red"
    return Text(f"{rate * 100:.1f}%", style=style)


def _num(value: float | None, digits: int = 0) -> str:
    return _DASH if value is None else f"{value:,.{digits}f}"


def _errors(count: int) -> Text:
    return Text(str(count), style="bold red" if count else "dim")


def _tokens(prompt: int, completion: int) -> str:
    return f"{prompt:,} / {completion:,}"


def summary_table(rows: Sequence[SummaryRow]) -> Table:
    """A table per prompt × model: pass rate, counts, score, cost, tokens, latency; and totals.

    `SummaryRow.pass_rate` is read as a fraction from 0 to 1.
    """
    table = Table(title="Results", header_style="bold")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("Prompt", "left"), ("Model", "left"), ("Pass rate", "right"), ("Passed", "right"),
        ("Failed", "right"), ("Errors", "right"), ("Score", "right"), ("Cost $", "right"),
        ("Tokens in / out", "right"), ("p50 ms", "right"), ("p95 ms", "right"),
    )  # fmt: skip
    for name, justify in columns:
        table.add_column(name, justify=justify)
    for row in rows:
        graded = row.passed + row.failed + row.errors
        table.add_row(
            row.prompt_label,
            row.provider,
            _rate_text(_rate(row.passed, graded, row.pass_rate)),
            str(row.passed),
            str(row.failed),
            _errors(row.errors),
            _num(row.mean_score, 2),
            f"{row.cost:.4f}",
            _tokens(row.prompt_tokens, row.completion_tokens),
            _num(row.latency_p50_ms),
            _num(row.latency_p95_ms),
        )
    _add_totals(table, rows)
    return table


def _add_totals(table: Table, rows: Sequence[SummaryRow]) -> None:
    passed = sum(r.passed for r in rows)
    failed = sum(r.failed for r in rows)
    errors = sum(r.errors for r in rows)
    scored = [(r.mean_score, r.passed + r.failed) for r in rows if r.mean_score is not None]
    weight = sum(w for _, w in scored)
    # Weight each row's mean by the cells it was taken over, so big rows count for more.
    mean = sum(s * w for s, w in scored) / weight if weight else None
    table.add_section()
    table.add_row(
        Text("Total", style="bold"),
        f"{len(rows)} pair{'s' if len(rows) != 1 else ''}",
        _rate_text(_rate(passed, passed + failed + errors, None)),
        str(passed),
        str(failed),
        _errors(errors),
        _num(mean, 2),
        f"{sum(r.cost for r in rows):.4f}",
        _tokens(sum(r.prompt_tokens for r in rows), sum(r.completion_tokens for r in rows)),
        _DASH,  # percentiles of parts do not combine into a percentile of the whole
        _DASH,
    )


_OUTCOME = {0: ("every assertion passed", "green"), 100: ("some assertions failed", "yellow")}


def print_run_footer(
    console: Console,
    *,
    run_id: str,
    outputs: list[Path],
    db_hint: str,
    exit_code: int,
    config: str | Path | None = None,
) -> None:
    """Say how the run ended, where its results are, and how to resume it if it stopped."""
    said, style = _OUTCOME.get(exit_code, ("the run did not finish", "red"))
    console.print(Text.assemble(("Run ", ""), (run_id, "bold"), (f": {said}", style)))
    for path in outputs:
        console.print(Text.assemble("  results: ", (str(path), "cyan")))
    console.print(Text.assemble("  stored in: ", (db_hint, "cyan")))
    if exit_code not in _OUTCOME:
        command = f"assay run {config or 'CONFIG'} --resume {run_id}"
        console.print(Text.assemble("  resume with: ", (command, "bold")))
