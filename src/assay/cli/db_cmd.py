"""`assay db`: apply migrations, show where the database is, stop the embedded server."""

from __future__ import annotations

import typer
from rich.console import Console

from assay.adapters.postgres.database import resolve_conninfo
from assay.adapters.postgres.embedded import stop_embedded
from assay.adapters.postgres.migrations import migrate as apply_migrations
from assay.settings import load_settings

app = typer.Typer(help="Database commands.", no_args_is_help=True)


@app.command("migrate")
def migrate() -> None:
    """Apply pending migrations to DATABASE_URL (or the embedded database)."""
    settings = load_settings()
    applied = apply_migrations(resolve_conninfo(settings))
    console = Console()
    if applied:
        console.print(f"applied {len(applied)} migration(s): {', '.join(applied)}")
    else:
        console.print("database is up to date")


@app.command("stop")
def stop() -> None:
    """Stop the embedded Postgres server of ASSAY_HOME, if it runs."""
    settings = load_settings()
    stopped = stop_embedded(settings.assay_home)
    Console().print("embedded database stopped" if stopped else "embedded database was not running")
