"""Terminal rendering: the summary table, the progress lines for CI logs, the run footer."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text

from assay.cli.progress import RunProgress, duration
from assay.cli.render import print_run_footer, summary_table
from assay.domain.models import SummaryRow


def console() -> Console:
    return Console(record=True, width=160, color_system=None)


def row(**changes: object) -> SummaryRow:
    base: dict[str, object] = {
        "prompt_label": "concise",
        "provider": "openrouter:openai/gpt-4o-mini",
        "cells": 10,
        "passed": 9,
        "failed": 1,
        "errors": 0,
        "mean_score": 0.95,
        "cost": 0.012345,
        "prompt_tokens": 1200,
        "completion_tokens": 340,
        "latency_p50_ms": 812.4,
        "latency_p95_ms": 1530.0,
    }
    base.update(changes)
    return SummaryRow.model_validate(base)


class FakeClock:
    """Monotonic time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def table_lines(rows: list[SummaryRow]) -> list[str]:
    out = console()
    out.print(summary_table(rows))
    return out.export_text().splitlines()


def line_with(lines: list[str], needle: str) -> str:
    found = [line for line in lines if needle in line]
    assert len(found) == 1, f"{needle!r} in {lines}"
    return found[0]


def test_summary_table_shows_each_pair_and_totals() -> None:
    rows = [
        row(),
        row(
            prompt_label="verbose", provider="local:echo", passed=2, failed=4, errors=4,
            mean_score=0.3, cost=0.5, prompt_tokens=10, completion_tokens=20,
            latency_p50_ms=None, latency_p95_ms=None,
        ),
    ]  # fmt: skip
    lines = table_lines(rows)

    first = line_with(lines, "concise").split("│")
    cells = [c.strip() for c in first]
    assert cells[1:12] == [
        "concise", "openrouter:openai/gpt-4o-mini", "90.0%", "9", "1", "0", "0.95",
        "0.0123", "1,200 / 340", "812", "1,530",
    ]  # fmt: skip
    second = [c.strip() for c in line_with(lines, "verbose").split("│")]
    assert second[3] == "20.0%" and second[6] == "4" and second[10:12] == ["—", "—"]
    total = [c.strip() for c in line_with(lines, "Total").split("│")]
    # 11 passed of 20 finished; score weighted by graded cells: (0.95*10 + 0.3*6) / 16.
    assert total[1:10] == [
        "Total", "2 pairs", "55.0%", "11", "5", "4", "0.71", "0.5123", "1,210 / 360",
    ]  # fmt: skip


def test_summary_table_prefers_the_stated_pass_rate_and_handles_no_cells() -> None:
    idle_row = row(prompt_label="idle", passed=0, failed=0, cells=0, mean_score=None)
    lines = table_lines([row(pass_rate=0.5), idle_row])
    assert "50.0%" in line_with(lines, "concise")
    idle = [c.strip() for c in line_with(lines, "idle").split("│")]
    assert idle[3] == "—" and idle[7] == "—"


def test_summary_table_colours_pass_rates_by_threshold() -> None:
    table = summary_table([row(pass_rate=0.95), row(pass_rate=0.6), row(pass_rate=0.1)])
    cells = list(table.columns[2].cells)[:3]
    assert all(isinstance(cell, Text) for cell in cells)
    assert [str(cell.style) for cell in cells if isinstance(cell, Text)] == [
        "green",
        "yellow",
        "red",
    ]


def test_progress_off_terminal_prints_a_line_at_most_every_five_seconds() -> None:
    out, clock = console(), FakeClock()
    with RunProgress(out, total=100, clock=clock) as progress:
        progress.update(1, 0, 100, 0.001)
        clock.now += 4.9
        progress.update(10, 1, 100, 0.01)
        clock.now += 0.2  # 5.1 s since start
        progress.update(20, 2, 100, 0.02)
        clock.now += 1.0
        progress.update(30, 3, 100, 0.03)
        clock.now += 5.0
        progress.update(50, 4, 100, 0.05)
        clock.now += 5.0
        progress.update(100, 5, 100, 0.1)

    lines = out.export_text().splitlines()
    assert lines == [
        "progress: 20/100 cells (20%), 2 failed, 3.9 cells/s, ETA 20s, cost $0.0200",
        "progress: 50/100 cells (50%), 4 failed, 4.5 cells/s, ETA 11s, cost $0.0500",
        "progress: 100/100 cells (100%), 5 failed, 6.2 cells/s, cost $0.1000",
        "finished: 100/100 cells (100%), 5 failed, 6.2 cells/s, 16s elapsed, cost $0.1000",
    ]


def test_progress_rate_counts_only_cells_done_by_this_process() -> None:
    out, clock = console(), FakeClock()
    with RunProgress(out, total=1000, already_done=900, clock=clock) as progress:
        clock.now += 10
        progress.update(950, 0, 1000, 1.5)
    assert out.export_text().splitlines() == [
        "progress: 950/1000 cells (95%), 0 failed, 5.0 cells/s, ETA 10s, cost $1.5000",
        # The block ended short of the total: the final line says so.
        "stopped: 950/1000 cells (95%), 0 failed, 5.0 cells/s, 10s elapsed, cost $1.5000",
    ]


def test_progress_says_stopped_when_the_block_raises() -> None:
    out, clock = console(), FakeClock()
    with pytest.raises(KeyboardInterrupt), RunProgress(out, clock=clock) as progress:
        progress.update(100, 0, 100, 0.0)
        raise KeyboardInterrupt
    assert out.export_text().startswith("stopped: 100/100 cells")


def test_progress_line_rounds_the_percentage_down() -> None:
    out, clock = console(), FakeClock()
    with RunProgress(out, total=1000, clock=clock) as progress:
        clock.now += 5
        progress.update(999, 0, 1000, 0.0)
    assert out.export_text().startswith("progress: 999/1000 cells (99%)")


def test_progress_on_a_terminal_draws_a_bar_with_counts() -> None:
    out = Console(record=True, width=120, force_terminal=True, color_system=None)
    clock = FakeClock()
    with RunProgress(out, total=40, clock=clock) as progress:
        clock.now += 2
        progress.update(10, 3, 40, 0.25)
    text = out.export_text()
    assert "10/40" in text and "3 failed" in text and "$0.2500" in text
    assert "progress:" not in text  # the plain log lines are for non-terminals only


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.4, "0s"), (59.6, "1m00s"), (222, "3m42s"), (3723, "1h02m03s")]
)
def test_duration_reads_naturally(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_footer_after_a_finished_run_names_outputs_and_storage() -> None:
    out = console()
    outputs = [Path("out/results.json"), Path("out/[junit].xml")]
    print_run_footer(
        out, run_id="run-42", outputs=outputs, db_hint="/home/me/.assay", exit_code=100
    )
    lines = out.export_text().splitlines()
    assert lines == [
        "Run run-42: some assertions failed",
        "  results: out/results.json",
        "  results: out/[junit].xml",
        "  stored in: /home/me/.assay",
    ]


def test_footer_after_an_interrupted_run_says_how_to_resume() -> None:
    out = console()
    print_run_footer(
        out, run_id="run-7", outputs=[], db_hint="DATABASE_URL", exit_code=130, config="suite.yaml"
    )
    text = out.export_text()
    assert "Run run-7: the run did not finish" in text
    assert "resume with: assay run suite.yaml --resume run-7" in text


def test_disabled_progress_prints_nothing_on_any_console() -> None:
    for out in (console(), Console(record=True, width=120, force_terminal=True)):
        clock = FakeClock()
        with RunProgress(out, clock=clock, enabled=False) as progress:
            clock.now += 60
            progress.update(5, 1, 10, 0.1)
        assert out.export_text() == ""


def test_run_progress_is_importable_from_render_for_the_run_command() -> None:
    from assay.cli import render

    assert render.RunProgress is RunProgress
