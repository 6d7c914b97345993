"""The `assay` command: one place that turns Assay errors into messages and exit codes."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console

from assay.cli import db_cmd, run_cmd, up_cmd
from assay.domain.errors import AssayError

app = typer.Typer(
    name="assay",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Batch evaluation of prompts across many LLMs.",
)
app.command("run", help="Evaluate every case × prompt × model of a promptfoo-style config.")(
    run_cmd.run
)
app.add_typer(db_cmd.app, name="db")
app.command("up", help="Serve the API, dashboard and run executor on 127.0.0.1.")(up_cmd.up)

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


def report_error(console: Console, exc: AssayError) -> None:
    """Print an Assay error as its message and, for imports, every bad line."""
    console.print(f"[bold red]error:[/] {exc.message}", highlight=False)
    for item in exc.details.get("errors", [])[:50]:
        where = ", ".join(f"{k} {item[k]}" for k in ("file", "line", "column") if item.get(k))
        console.print(
            f"  - {where + ': ' if where else ''}{item.get('message', item)}", highlight=False
        )


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script; always leaves through sys.exit with the run's code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    err = Console(stderr=True)
    try:
        code = app(args=argv, standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except AssayError as exc:
        report_error(err, exc)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(EXIT_INTERRUPTED)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, EOFError):
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # click usage errors carry their own message and code
        show = getattr(exc, "show", None)
        if callable(show):
            show()
            sys.exit(getattr(exc, "exit_code", 2))
        raise


if __name__ == "__main__":
    main()
