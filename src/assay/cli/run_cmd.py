"""`assay run`: load a config, run it (or resume one), write outputs, print the summary."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assay import wiring
from assay.adapters.python_assertion import run_python_assertion
from assay.cli.render import RunProgress, print_run_footer, summary_table
from assay.config import load_suite
from assay.domain.errors import InvalidInput
from assay.domain.models import EvalSuite, SummaryRow
from assay.domain.run_state import Progress
from assay.exports import RunMeta, check_output_paths, writer_for
from assay.settings import load_settings
from assay.usecases.local_run import LocalRunOptions
from assay.usecases.runs import create_run

EXIT_SOME_FAILED = 100


def run(
    config: Annotated[
        Path | None, typer.Argument(help="promptfoo-style YAML or JSON config.")
    ] = None,
    concurrency: Annotated[
        int, typer.Option("-j", "--concurrency", min=1, max=1000, help="Calls in flight per model.")
    ] = 10,
    output: Annotated[
        list[Path] | None,
        typer.Option("-o", "--output", help="Write results: .json, .jsonl, .csv or JUnit .xml."),
    ] = None,
    repeat: Annotated[int, typer.Option("--repeat", min=1, max=1000)] = 1,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Bypass the response cache.")
    ] = False,
    resume: Annotated[
        str | None, typer.Option("--resume", metavar="RUN_ID", help="Finish an interrupted run.")
    ] = None,
    retry_errors: Annotated[
        bool,
        typer.Option(
            "--retry-errors", help="With --resume: call again the cells that ended in an error."
        ),
    ] = False,
    no_progress: Annotated[bool, typer.Option("--no-progress")] = False,
) -> None:
    """Evaluate every case × prompt × model; exit 0 if all pass, 100 if some fail, 1 on error."""
    # Logs and pipes get a wide table instead of rich's 80-column guess.
    console = Console() if sys.stdout.isatty() else Console(width=160)
    outputs = output or []
    check_output_paths(outputs)
    suite = _load(config, resume)
    settings = load_settings()
    conninfo = wiring.database(settings)
    started = time.monotonic()
    run_id, final = asyncio.run(
        _execute(
            conninfo,
            suite,
            resume=resume,
            retry_errors=retry_errors,
            concurrency=concurrency,
            repeat=repeat,
            use_cache=not no_cache,
            progress=not no_progress,
            console=console,
        )
    )
    reports = wiring.reports(conninfo)
    summary = reports.summary(run_id)
    console.print(summary_table(summary))
    meta = _meta(run_id, suite, summary, final, time.monotonic() - started)
    for path in outputs:
        writer_for(path).write(
            path, records=reports.iter_results(run_id), summary=summary, meta=meta
        )
    all_passed = final.pending + final.leased == 0 and all(
        row.failed == 0 and row.errors == 0 for row in summary
    )
    code = 0 if all_passed else EXIT_SOME_FAILED
    print_run_footer(
        console,
        run_id=str(run_id),
        outputs=outputs,
        db_hint=_db_hint(settings.database_url, settings.assay_home),
        exit_code=code,
    )
    raise typer.Exit(code)


def _load(config: Path | None, resume: str | None) -> EvalSuite | None:
    if resume is None and config is None:
        raise InvalidInput("give a CONFIG file to run, or --resume RUN_ID")
    if resume is not None:
        try:
            uuid.UUID(resume)
        except ValueError as exc:
            raise InvalidInput(f"--resume: '{resume}' is not a run id") from exc
        return None
    assert config is not None
    return load_suite(config, allow_code=True)


async def _execute(
    conninfo: str,
    suite: EvalSuite | None,
    *,
    resume: str | None,
    retry_errors: bool,
    concurrency: int,
    repeat: int,
    use_cache: bool,
    progress: bool,
    console: Console,
) -> tuple[uuid.UUID, Progress]:
    async with wiring.local_engine(
        conninfo, concurrency=concurrency, code_runner=run_python_assertion
    ) as engine:
        if resume is not None:
            run_id = uuid.UUID(resume)
            await engine.store.load_plan(run_id)
            await engine.store.reopen(run_id, retry_errors=retry_errors)
        else:
            assert suite is not None
            run_id = await create_run(
                engine.store, suite, repeats=repeat, concurrency=concurrency, use_cache=use_cache
            )
        console.print(f"run [bold]{run_id}[/]", highlight=False)
        options = LocalRunOptions(concurrency=concurrency)
        with RunProgress(console=console, enabled=progress) as bar:

            def show(p: Progress) -> None:
                bar.update(done=p.finished, failed=p.failed, total=p.total, cost=p.cost)

            final = await engine.runner.execute(run_id, options, on_progress=show)
        return run_id, final


def _meta(
    run_id: uuid.UUID,
    suite: EvalSuite | None,
    summary: list[SummaryRow],
    final: Progress,
    duration: float,
) -> RunMeta:
    return RunMeta(
        run_id=str(run_id),
        description=suite.description if suite else None,
        created_at=datetime.now(UTC),
        source=suite.source if suite else None,
        status="completed" if final.pending + final.leased == 0 else "incomplete",
        cells=final.total,
        passed=sum(r.passed for r in summary),
        failed=sum(r.failed for r in summary),
        errors=sum(r.errors for r in summary),
        duration_s=duration,
        cost=sum(r.cost for r in summary),
    )


def _db_hint(database_url: str | None, home: Path) -> str:
    return "DATABASE_URL" if database_url else f"embedded Postgres in {home}"
