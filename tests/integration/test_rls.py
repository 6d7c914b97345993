"""Row Level Security: two users, two workspaces, every table in `public`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.types.json import Jsonb

TABLES_SQL = """
select c.relname, c.relkind, c.relrowsecurity, coalesce(c.reloptions, '{}')
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
order by c.relname
"""


@dataclass(frozen=True)
class Tenant:
    user_id: str
    workspace_id: str


@dataclass(frozen=True)
class World:
    conn: psycopg.Connection[Any]
    tables: list[str]
    a: Tenant
    b: Tenant


def seed(conn: psycopg.Connection[Any], tenant: Tenant, label: str) -> None:
    """One row in every table of `public`, owned by `tenant`'s workspace."""
    ws, ids = tenant.workspace_id, {k: str(uuid.uuid4()) for k in "skvpqrc"}
    rows: list[tuple[str, tuple[Any, ...]]] = [
        ("workspaces (id, name, owner_id, personal) values (%s, %s, %s, true)",
         (ws, label, tenant.user_id)),
        ("members (workspace_id, user_id, role) values (%s, %s, 'owner')", (ws, tenant.user_id)),
        ("api_keys (workspace_id, name, prefix, key_hash, created_by)"
         " values (%s, 'ci', %s, %s, %s)",
         (ws, f"ak_{label}", f"hash-{label}", tenant.user_id)),
        ("test_sets (id, workspace_id, name) values (%s, %s, 'suite')", (ids["s"], ws)),
        ("test_cases (id, workspace_id, test_set_id, content_hash, body)"
         " values (%s, %s, %s, 'h1', '{}')", (ids["k"], ws, ids["s"])),
        ("test_set_versions (id, workspace_id, test_set_id, version, content_hash, case_count)"
         " values (%s, %s, %s, 1, 'v1', 1)", (ids["v"], ws, ids["s"])),
        ("test_set_version_cases (test_set_version_id, position, test_case_id, workspace_id)"
         " values (%s, 0, %s, %s)", (ids["v"], ids["k"], ws)),
        ("prompts (id, workspace_id, name) values (%s, %s, 'greet')", (ids["p"], ws)),
        ("prompt_versions (id, workspace_id, prompt_id, version, content_hash, body)"
         " values (%s, %s, %s, 1, 'p1', '{}')", (ids["q"], ws, ids["p"])),
        ("runs (id, workspace_id, test_set_version_id) values (%s, %s, %s)",
         (ids["r"], ws, ids["v"])),
        ("run_prompts (run_id, position, workspace_id, prompt_version_id, label, body)"
         " values (%s, 0, %s, %s, 'greet', '{}')", (ids["r"], ws, ids["q"])),
        ("run_providers (run_id, position, workspace_id, label, provider)"
         " values (%s, 0, %s, 'local', '{}')", (ids["r"], ws)),
        ("cells (id, workspace_id, run_id, chunk, case_position, test_case_id, prompt_position,"
         " provider_position) values (%s, %s, %s, 0, 0, %s, 0, 0)",
         (ids["c"], ws, ids["r"], ids["k"])),
        ("results (cell_id, workspace_id, run_id, output, passed) values (%s, %s, %s, 'hi', true)",
         (ids["c"], ws, ids["r"])),
        ("response_cache (workspace_id, key, model, response) values (%s, 'k', 'm', '{}')", (ws,)),
        ("model_catalog (workspace_id, model_id) values (%s, 'm')", (ws,)),
        ("chunk_dispatches (run_id, chunk, workspace_id) values (%s, 0, %s)", (ids["r"], ws)),
    ]  # fmt: skip
    for statement, params in rows:
        conn.execute(("insert into public." + statement).encode(), params)


def workspace_column(table: str) -> sql.Identifier:
    return sql.Identifier("id" if table == "workspaces" else "workspace_id")


def claims(user_id: str | None, role: str) -> str:
    return json.dumps({"sub": user_id, "role": role} if user_id else {"role": role})


@contextmanager
def acting_as(
    conn: psycopg.Connection[Any], role: str, user_id: str | None
) -> Iterator[psycopg.Connection[Any]]:
    """A rolled-back transaction in which `conn` acts as an API role with a JWT's claims."""
    with conn.transaction(force_rollback=True):
        conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
        conn.execute("select set_config('request.jwt.claims', %s, true)", (claims(user_id, role),))
        yield conn


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        a = Tenant(str(uuid.uuid4()), str(uuid.uuid4()))
        b = Tenant(str(uuid.uuid4()), str(uuid.uuid4()))
        with conn.transaction():
            seed(conn, a, "alpha")
            seed(conn, b, "beta")
        tables = [row[0] for row in conn.execute(TABLES_SQL).fetchall()]
        yield World(conn, tables, a, b)


def test_every_public_table_has_row_level_security(world: World) -> None:
    for name, kind, rls, options in world.conn.execute(TABLES_SQL).fetchall():
        if kind == "v":
            assert "security_invoker=true" in options, f"view public.{name} bypasses RLS"
        else:
            assert kind in ("r", "p"), f"public.{name} (relkind {kind}) cannot carry RLS"
            assert rls, f"table public.{name} has no row level security"


def test_the_seed_covers_every_table(world: World) -> None:
    # Guards the other tests: a table added without seed rows here would be checked vacuously.
    for table in world.tables:
        query = sql.SQL("select count(distinct {}) from public.{}").format(
            workspace_column(table), sql.Identifier(table)
        )
        row = world.conn.execute(query).fetchone()
        assert row == (2,), f"seed() in test_rls.py must insert rows into public.{table}"


@pytest.mark.parametrize("who", ["a", "b"])
def test_a_member_sees_only_their_workspace(world: World, who: str) -> None:
    me = world.a if who == "a" else world.b
    with acting_as(world.conn, "authenticated", me.user_id) as conn:
        for table in world.tables:
            query = sql.SQL("select {}::text from public.{}").format(
                workspace_column(table), sql.Identifier(table)
            )
            seen = {row[0] for row in conn.execute(query).fetchall()}
            assert seen == {me.workspace_id}, f"public.{table} shows {seen}"


def count_rows(conn: psycopg.Connection[Any], table: str, workspace_id: str | None) -> int:
    query = sql.SQL("select count(*) from public.{}").format(sql.Identifier(table))
    if workspace_id is not None:
        query += sql.SQL(" where {} = %s").format(workspace_column(table))
    row = conn.execute(query, (workspace_id,) if workspace_id else None).fetchone()
    assert row is not None
    return int(row[0])


def test_a_member_cannot_change_another_workspace(world: World) -> None:
    me, other = world.a, world.b
    theirs = {table: count_rows(world.conn, table, other.workspace_id) for table in world.tables}
    with acting_as(world.conn, "authenticated", me.user_id) as conn:
        # Unfiltered statements: any row of the other workspace they reach shows in rowcount.
        for table in world.tables:
            mine = count_rows(conn, table, None)
            # A constant SET reads no column, so SELECT policies do not mask an UPDATE leak.
            update = sql.SQL("update public.{} set {} = %s").format(
                sql.Identifier(table), workspace_column(table)
            )
            expected = 0 if table == "members" else mine  # members have no update policy
            assert conn.execute(update, (me.workspace_id,)).rowcount == expected, table
        for table in world.tables:
            mine = count_rows(conn, table, None)
            delete = sql.SQL("delete from public.{}").format(sql.Identifier(table))
            assert conn.execute(delete).rowcount <= mine, table
        conn.execute("reset role")
        for table in world.tables:
            assert count_rows(conn, table, other.workspace_id) == theirs[table], table


def test_a_member_cannot_insert_into_another_workspace(world: World) -> None:
    me, other = world.a, world.b
    theirs = {}
    for table in world.tables:
        query = sql.SQL("select to_jsonb(t) from public.{} t where {} = %s limit 1").format(
            sql.Identifier(table), workspace_column(table)
        )
        row = world.conn.execute(query, (other.workspace_id,)).fetchone()
        assert row is not None
        theirs[table] = row[0]
    with acting_as(world.conn, "authenticated", me.user_id) as conn:
        for table in world.tables:
            insert = sql.SQL(
                "insert into public.{} select * from jsonb_populate_record(null::public.{}, %s)"
            ).format(sql.Identifier(table), sql.Identifier(table))
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(insert, (Jsonb(theirs[table]),))
        # The control: the same member may add to their own workspace.
        conn.execute(
            "insert into public.prompts (workspace_id, name) values (%s, 'mine')",
            (me.workspace_id,),
        )


@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_no_user_means_no_rows(world: World, role: str) -> None:
    with world.conn.transaction(force_rollback=True):
        # Supabase grants the API roles every table by default; RLS alone must hide the rows.
        world.conn.execute(f"grant select on all tables in schema public to {role}".encode())
        with acting_as(world.conn, role, None) as conn:
            for table in world.tables:
                query = sql.SQL("select count(*) from public.{}").format(sql.Identifier(table))
                assert conn.execute(query).fetchone() == (0,), table


def test_anon_has_no_table_privileges_here(world: World) -> None:
    with acting_as(world.conn, "anon", None) as conn:
        for table in world.tables:
            query = sql.SQL("select count(*) from public.{}").format(sql.Identifier(table))
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(query)


def test_a_member_cannot_point_own_rows_at_another_workspace(world: World) -> None:
    """Foreign keys carry the workspace, so A's rows can never reference B's run or cell."""
    me, other = world.a, world.b
    their_run, their_cell = world.conn.execute(
        "select run_id, cell_id from public.results where workspace_id = %s", (other.workspace_id,)
    ).fetchone() or (None, None)
    my_run = world.conn.execute(
        "select id from public.runs where workspace_id = %s", (me.workspace_id,)
    ).fetchone()
    assert their_run and their_cell and my_run
    their_cell = str(uuid.uuid4())  # a cell of B's that has no result yet
    world.conn.execute(
        "insert into public.cells (id, workspace_id, run_id, chunk, case_position,"
        " prompt_position, provider_position) values (%s, %s, %s, 0, 5, 0, 0)",
        (their_cell, other.workspace_id, their_run),
    )
    with acting_as(world.conn, "authenticated", me.user_id) as conn:
        with pytest.raises(psycopg.errors.ForeignKeyViolation), conn.transaction():
            conn.execute(
                "insert into public.cells (id, workspace_id, run_id, chunk, case_position,"
                " prompt_position, provider_position) values (%s, %s, %s, 0, 9, 0, 0)",
                (str(uuid.uuid4()), me.workspace_id, their_run),
            )
        with pytest.raises(psycopg.errors.ForeignKeyViolation), conn.transaction():
            conn.execute(
                "insert into public.results (cell_id, workspace_id, run_id) values (%s, %s, %s)",
                (their_cell, me.workspace_id, my_run[0]),
            )
