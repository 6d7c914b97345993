"""The migration runner against a real PostgreSQL, from a blank database."""

from __future__ import annotations

import shutil
import threading
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from assay.adapters.postgres.migrations import (
    MIGRATIONS_DIR_ENV,
    default_directory,
    migrate,
    pending,
    read_migrations,
    split_statements,
)
from assay.domain.errors import StorageError

MIGRATIONS = default_directory()
VERSIONS = sorted(p.name.split("_", 1)[0] for p in MIGRATIONS.glob("*.sql"))


def query(url: str, text: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(text.encode()).fetchall()


@pytest.fixture
def migrations_copy(tmp_path: Path) -> Path:
    target = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, target)
    return target


def test_default_directory_is_the_repository_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(MIGRATIONS_DIR_ENV, raising=False)
    repository = Path(__file__).resolve().parents[2]
    assert default_directory() == repository / "supabase" / "migrations"
    monkeypatch.setenv(MIGRATIONS_DIR_ENV, str(tmp_path))
    assert default_directory() == tmp_path


def test_blank_database_gets_every_migration_once(blank_database_url: str) -> None:
    assert pending(blank_database_url) == VERSIONS
    assert migrate(blank_database_url) == VERSIONS
    assert migrate(blank_database_url) == []
    assert pending(blank_database_url) == []
    tables = {r[0] for r in query(blank_database_url, "select tablename from pg_tables")}
    assert {"workspaces", "cells", "results", "response_cache"} <= tables


def test_recorded_rows_match_the_files(blank_database_url: str) -> None:
    migrate(blank_database_url)
    rows = query(
        blank_database_url,
        "select version, name, statements from supabase_migrations.schema_migrations"
        " order by version",
    )
    expected = [(m.version, m.name, list(m.statements)) for m in read_migrations(MIGRATIONS)]
    assert rows == expected
    names = [p.name for p in sorted(MIGRATIONS.glob("*.sql"))]
    assert [f"{v}_{n}.sql" for v, n, _ in rows] == names


def test_a_history_table_from_an_old_supabase_cli_is_upgraded(blank_database_url: str) -> None:
    with psycopg.connect(blank_database_url, autocommit=True) as conn:
        conn.execute("create schema supabase_migrations")
        conn.execute(
            "create table supabase_migrations.schema_migrations (version text primary key)"
        )
    assert migrate(blank_database_url) == VERSIONS
    rows = query(
        blank_database_url,
        "select name from supabase_migrations.schema_migrations"
        " where statements is not null order by version",
    )
    assert [r[0] for r in rows] == [m.name for m in read_migrations(MIGRATIONS)]


def test_split_statements_respects_quotes_comments_and_dollar_bodies() -> None:
    text = (
        "-- lead; comment\ncreate table a (x text default 'a;b''c');\n"
        "/* block; /* nested; */ */ do $f$ begin perform 1; end $f$;\n"
        'select "we;ird" ;; \n\n  select 2'
    )
    assert split_statements(text) == [
        "-- lead; comment\ncreate table a (x text default 'a;b''c')",
        "/* block; /* nested; */ */ do $f$ begin perform 1; end $f$",
        'select "we;ird"',
        "select 2",
    ]


ROLES = (
    "select rolname, oid, rolbypassrls from pg_roles"
    " where rolname in ('anon', 'authenticated', 'service_role') order by rolname"
)
MARKER = "00000000-0000-0000-0000-00000000abcd"


def make_supabase_auth(conn: psycopg.Connection[Any], owner: str) -> None:
    """What a Supabase project has before our migrations: API roles, auth objects not ours."""
    for role in ("anon", "authenticated", "service_role"):
        if not conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone():
            # Created as the shim would, since roles outlive this database.
            extra = " bypassrls" if role == "service_role" else ""
            conn.execute(f"create role {role} nologin noinherit{extra}".encode())
    conn.execute(f"create schema auth authorization {owner}".encode())
    conn.execute(
        "create function auth.uid() returns uuid language sql stable"
        f" as $$ select '{MARKER}'::uuid $$".encode()
    )
    conn.execute(
        "create function auth.jwt() returns jsonb language sql stable as $$ select '{}'::jsonb $$"
    )
    conn.execute("create table auth.users (id uuid primary key)")
    for thing in ("function auth.uid()", "function auth.jwt()", "table auth.users"):
        conn.execute(f"alter {thing} owner to {owner}".encode())


def test_existing_auth_objects_are_kept(blank_database_url: str) -> None:
    with psycopg.connect(blank_database_url, autocommit=True) as conn:
        make_supabase_auth(conn, "postgres")
    roles_before = query(blank_database_url, ROLES)
    migrate(blank_database_url)
    assert query(blank_database_url, "select auth.uid()::text") == [(MARKER,)]
    assert query(blank_database_url, "select count(*) from pg_proc where proname = 'uid'") == [(1,)]
    assert len(roles_before) == 3
    assert query(blank_database_url, ROLES) == roles_before


def test_runs_as_a_role_that_may_not_create_in_auth(blank_database_url: str) -> None:
    # Like Supabase: auth belongs to another role and the migrating role is no superuser.
    admin, migrator = (f"assay_t_{uuid.uuid4().hex[:8]}_{r}" for r in ("admin", "mig"))
    with psycopg.connect(blank_database_url, autocommit=True) as conn:
        conn.execute(f"create role {admin} nologin".encode())
        conn.execute(f"create role {migrator} login".encode())
        try:
            make_supabase_auth(conn, admin)
            conn.execute(f"grant usage on schema auth to anon, authenticated, {migrator}".encode())
            conn.execute(f"grant execute on all functions in schema auth to {migrator}".encode())
            dbname = query(blank_database_url, "select current_database()")[0][0]
            conn.execute(f"grant create on database {dbname} to {migrator}".encode())
            conn.execute(f"grant create on schema public to {migrator}".encode())
            assert migrate(make_conninfo(blank_database_url, user=migrator)) == VERSIONS
            owners = query(
                blank_database_url,
                "select pg_get_userbyid(proowner)::text from pg_proc"
                " where pronamespace = 'auth'::regnamespace order by proname",
            )
            assert owners == [(admin,), (admin,)]
            assert query(blank_database_url, "select auth.uid()::text") == [(MARKER,)]
            tables = query(
                blank_database_url,
                "select tableowner::text from pg_tables where schemaname = 'public' group by 1",
            )
            assert tables == [(migrator,)]
        finally:
            conn.execute(f"drop owned by {admin}, {migrator} cascade".encode())
            conn.execute(f"drop role {admin}, {migrator}".encode())


def test_an_edited_applied_file_is_refused(blank_database_url: str, migrations_copy: Path) -> None:
    migrate(blank_database_url, directory=migrations_copy)
    core = next(migrations_copy.glob("*_core.sql"))
    core.write_text(core.read_text() + "\ncreate table public.sneaky (id int);\n")
    with pytest.raises(StorageError, match=core.name) as caught:
        migrate(blank_database_url, directory=migrations_copy)
    assert "edited after it was applied" in caught.value.message
    with pytest.raises(StorageError, match=core.name):
        pending(blank_database_url, directory=migrations_copy)
    assert query(blank_database_url, "select to_regclass('public.sneaky')") == [(None,)]


def test_whitespace_only_edits_are_not_reported(
    blank_database_url: str, migrations_copy: Path
) -> None:
    migrate(blank_database_url, directory=migrations_copy)
    core = next(migrations_copy.glob("*_core.sql"))
    core.write_text("\n\n" + core.read_text().replace("\n", "\n  ") + "\n;\n")
    assert pending(blank_database_url, directory=migrations_copy) == []


def test_a_broken_file_rolls_back_entirely(blank_database_url: str, migrations_copy: Path) -> None:
    broken = migrations_copy / "20991231000000_broken.sql"
    broken.write_text(
        "create table public.half_done (id int);\n"
        "insert into public.half_done values (1);\n"
        "select 100 % 7;\n"
        "create table public.oops (id int,);\n"
    )
    with pytest.raises(StorageError) as caught:
        migrate(blank_database_url, directory=migrations_copy)
    assert broken.name in caught.value.message
    assert "line 4" in caught.value.message
    assert "syntax error" in caught.value.message
    assert query(blank_database_url, "select to_regclass('public.half_done')") == [(None,)]
    recorded = query(
        blank_database_url, "select version from supabase_migrations.schema_migrations"
    )
    assert sorted(str(r[0]) for r in recorded) == VERSIONS
    assert pending(blank_database_url, directory=migrations_copy) == ["20991231000000"]


def test_concurrent_migrators_apply_each_file_once(blank_database_url: str) -> None:
    start = threading.Barrier(3)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        start.wait(timeout=30)
        try:
            results.append(migrate(blank_database_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(v for applied in results for v in applied) == VERSIONS
    recorded = query(
        blank_database_url, "select count(*) from supabase_migrations.schema_migrations"
    )
    assert recorded == [(len(VERSIONS),)]


def test_bad_file_names_are_named(tmp_path: Path) -> None:
    (tmp_path / "notes.sql").write_text("select 1;")
    with pytest.raises(StorageError, match=r"notes\.sql.*<timestamp>_<name>\.sql"):
        read_migrations(tmp_path)
    with pytest.raises(StorageError, match="does not exist"):
        read_migrations(tmp_path / "missing")


def test_unreachable_server_is_named_without_the_password() -> None:
    url = "postgresql://someone:s3cret-pw@127.0.0.1:1/nowhere?connect_timeout=2"
    with pytest.raises(StorageError) as caught:
        migrate(url)
    assert "127.0.0.1:1" in caught.value.message
    assert "s3cret-pw" not in caught.value.message
