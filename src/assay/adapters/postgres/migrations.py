"""Applies `supabase/migrations/*.sql` in order, recorded where the Supabase CLI records them.

Bookkeeping lives in `supabase_migrations.schema_migrations (version, statements, name)`, the
table `supabase db push` uses, so either tool sees what the other applied. Each file runs in
its own transaction behind a transaction-level advisory lock (safe through the transaction
pooler), and a file edited after it was applied is refused.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import psycopg
from psycopg.rows import TupleRow

from assay.adapters.postgres.database import connect
from assay.domain.errors import StorageError

MIGRATIONS_DIR_ENV = "ASSAY_MIGRATIONS_DIR"
_FILE_NAME = re.compile(r"^(\d+)_(.+)\.sql$")
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")
_LOCK_KEY = 0x4153534159  # "ASSAY": one advisory lock per database for every migrator
_T = TypeVar("_T")


@dataclass(frozen=True)
class Migration:
    """One migration file: `<version>_<name>.sql`."""

    version: str
    name: str
    path: Path
    statements: tuple[str, ...]
    sql: str


def default_directory() -> Path:
    """`$ASSAY_MIGRATIONS_DIR`, else `supabase/migrations` of the source tree this file is in."""
    override = os.environ.get(MIGRATIONS_DIR_ENV)
    if override:
        return Path(override).expanduser()
    here = Path(__file__).resolve()
    root = here.parents[4]  # postgres/ -> adapters/ -> assay/ -> src/ -> project root
    candidate = root / "supabase" / "migrations"
    if here.parents[3].name != "src" or not candidate.is_dir():
        raise StorageError(
            f"cannot find the migrations folder next to {here}; set {MIGRATIONS_DIR_ENV} "
            "to the folder holding the *.sql migrations"
        )
    return candidate


def read_migrations(directory: Path) -> list[Migration]:
    """Every `*.sql` file of `directory`, in file-name order."""
    if not directory.is_dir():
        raise StorageError(f"migrations folder {directory} does not exist")
    found: dict[str, Migration] = {}
    for path in sorted(directory.glob("*.sql"), key=lambda p: p.name):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise StorageError(
                f"{path}: a migration file name must look like <timestamp>_<name>.sql"
            )
        version, name = match.groups()
        if version in found:
            raise StorageError(
                f"{path}: version {version} is also used by {found[version].path.name}"
            )
        try:
            sql = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise StorageError(f"{path}: cannot read migration: {exc}") from exc
        found[version] = Migration(version, name, path, tuple(split_statements(sql)), sql)
    return list(found.values())


def split_statements(sql: str) -> list[str]:
    """Split SQL at top-level semicolons, trimmed, as the Supabase CLI records statements."""
    statements: list[str] = []
    start = i = 0
    while i < len(sql):
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            i = len(sql) if end < 0 else end + 1
        elif sql.startswith("/*", i):
            i = _block_comment_end(sql, i)
        elif sql[i] in "'\"":
            i = _quote_end(sql, i)
        elif (tag := _DOLLAR_TAG.match(sql, i)) is not None:
            end = sql.find(tag.group(), tag.end())
            i = len(sql) if end < 0 else end + len(tag.group())
        else:
            if sql[i] == ";":
                if piece := sql[start:i].strip():
                    statements.append(piece)
                start = i + 1
            i += 1
    if tail := sql[start:].strip():
        statements.append(tail)
    return statements


def _block_comment_end(sql: str, i: int) -> int:
    depth = 0
    while i < len(sql):
        if sql.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif sql.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    return i


def _quote_end(sql: str, i: int) -> int:
    quote = sql[i]
    i += 1
    while i < len(sql):
        if sql[i] == quote:
            if not sql.startswith(quote * 2, i):
                return i + 1
            i += 1  # a doubled quote stands for itself
        i += 1
    return i


def _fingerprint(statements: list[str] | tuple[str, ...]) -> str:
    # Whitespace and semicolons are dropped so a different statement split compares equal.
    return re.sub(r"[\s;]+", "", "".join(statements))


def pending(conninfo: str, directory: Path | None = None) -> list[str]:
    """Versions not yet applied; raises StorageError if an applied file was edited since."""
    migrations = read_migrations(directory or default_directory())
    with connect(conninfo) as conn:
        recorded = _guard("reading the migration history", lambda: _recorded(conn))
    _check_unchanged(migrations, recorded)
    return [m.version for m in migrations if m.version not in recorded]


def migrate(conninfo: str, *, directory: Path | None = None) -> list[str]:
    """Apply pending migrations, each once and in its own transaction; return their versions."""
    migrations = read_migrations(directory or default_directory())
    applied: list[str] = []
    with connect(conninfo) as conn:
        _guard("creating the migration history table", lambda: _create_history(conn))
        recorded = _guard("reading the migration history", lambda: _recorded(conn))
        _check_unchanged(migrations, recorded)
        for migration in migrations:
            if migration.version not in recorded and _apply(conn, migration):
                applied.append(migration.version)
    return applied


def _apply(conn: psycopg.Connection[TupleRow], migration: Migration) -> bool:
    try:
        with conn.transaction():
            _lock(conn)
            if _recorded(conn, migration.version):
                return False  # a concurrent migrator applied it while we waited
            conn.execute(migration.sql.encode())
            conn.execute(
                "insert into supabase_migrations.schema_migrations (version, name, statements)"
                " values (%s, %s, %s)",
                (migration.version, migration.name, list(migration.statements)),
            )
    except psycopg.Error as exc:
        raise StorageError(
            f"migration {migration.path.name} failed{_where(migration.sql, exc)}: "
            f"{_server_message(exc)}; nothing of it was applied",
            details={"file": str(migration.path), "version": migration.version},
        ) from exc
    return True


def _lock(conn: psycopg.Connection[TupleRow]) -> None:
    # A bounded wait: a stuck migrator elsewhere must not hang this one for ever.
    conn.execute("set local lock_timeout = '2min'")
    conn.execute("select pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
    conn.execute("set local lock_timeout to default")


def _create_history(conn: psycopg.Connection[TupleRow]) -> None:
    # Only what is missing: DDL on an existing table needs ownership, which a role other
    # than the one that ran `supabase db push` lacks.
    with conn.transaction():
        _lock(conn)
        columns = {
            row[0]
            for row in conn.execute(
                "select attname::text from pg_attribute where attnum > 0 and not attisdropped"
                " and attrelid = to_regclass('supabase_migrations.schema_migrations')"
            )
        }
        if not columns:
            conn.execute("create schema if not exists supabase_migrations")
            conn.execute(
                "create table supabase_migrations.schema_migrations"
                " (version text not null primary key, statements text[], name text)"
            )
        # Tables made by old Supabase CLIs lack these columns; the CLI adds them the same way.
        if columns and "statements" not in columns:
            conn.execute(
                "alter table supabase_migrations.schema_migrations add column statements text[]"
            )
        if columns and "name" not in columns:
            conn.execute("alter table supabase_migrations.schema_migrations add column name text")


def _recorded(
    conn: psycopg.Connection[TupleRow], version: str | None = None
) -> dict[str, list[str] | None]:
    exists = conn.execute("select to_regclass('supabase_migrations.schema_migrations')").fetchone()
    if exists is None or exists[0] is None:
        return {}
    rows = conn.execute(
        "select version, statements from supabase_migrations.schema_migrations"
        " where %s::text is null or version = %s",
        (version, version),
    ).fetchall()
    return {str(v): (list(s) if isinstance(s, list) else None) for v, s in rows}


def _check_unchanged(migrations: list[Migration], recorded: dict[str, list[str] | None]) -> None:
    for migration in migrations:
        statements = recorded.get(migration.version)
        # Rows without statements (e.g. `supabase migration repair`) cannot be compared.
        if statements and _fingerprint(statements) != _fingerprint(migration.statements):
            raise StorageError(
                f"migration {migration.path.name} was edited after it was applied "
                f"(version {migration.version}); migrations are append-only: "
                "restore the file and put the change in a new migration",
                details={"file": str(migration.path), "version": migration.version},
            )


def _guard(doing: str, action: Callable[[], _T]) -> _T:
    try:
        return action()
    except psycopg.Error as exc:
        raise StorageError(f"{doing} failed: {_server_message(exc)}") from exc


def _where(sql: str, exc: psycopg.Error) -> str:
    position = exc.diag.statement_position
    if not position or not position.isdigit():
        return ""
    return f" at line {sql.count(chr(10), 0, int(position) - 1) + 1}"


def _server_message(exc: psycopg.Error) -> str:
    diag = exc.diag
    parts = [diag.message_primary or str(exc).strip()]
    parts += [text for text in (diag.message_detail, diag.message_hint) if text]
    return " ".join(parts)
