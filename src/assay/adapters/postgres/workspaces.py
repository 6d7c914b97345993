"""SQL of a request's session: acting as a user under RLS, and the workspaces that user sees."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg


@dataclass(frozen=True)
class KeyPrincipal:
    """Who an API key acts as."""

    key_id: uuid.UUID
    workspace_id: uuid.UUID
    user_id: uuid.UUID


@dataclass(frozen=True)
class Membership:
    """A workspace the caller belongs to, with their role in it."""

    workspace_id: uuid.UUID
    name: str
    personal: bool
    role: str
    created_at: datetime


def act_as_authenticated(conn: psycopg.Connection[Any], claims: dict[str, Any]) -> None:
    """Inside the open transaction: become role `authenticated` with these JWT claims."""
    conn.execute(
        "select set_config('role', 'authenticated', true), "
        "set_config('request.jwt.claims', %s, true)",
        (json.dumps(claims),),
    )


def api_key_principal(conn: psycopg.Connection[Any], key_hash: str) -> KeyPrincipal | None:
    """The live key with this hash and who it acts as; None when unknown or revoked."""
    row = conn.execute(
        "select key_id, workspace_id, user_id from public.api_key_principal(%s)", (key_hash,)
    ).fetchone()
    return KeyPrincipal(*row) if row else None


def personal_workspace(conn: psycopg.Connection[Any]) -> uuid.UUID:
    """The caller's personal workspace, created on first use."""
    row = conn.execute("select public.ensure_personal_workspace()").fetchone()
    assert row is not None
    return uuid.UUID(str(row[0]))


def is_member(conn: psycopg.Connection[Any], workspace_id: uuid.UUID) -> bool:
    """Whether the caller may act in `workspace_id` (RLS's own test)."""
    row = conn.execute("select public.is_workspace_member(%s)", (workspace_id,)).fetchone()
    return bool(row and row[0])


def ensure_local_workspace(
    conn: psycopg.Connection[Any], workspace_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    """As the owner role: the local single user's workspace and membership (idempotent)."""
    with conn.transaction():
        conn.execute(
            "insert into public.workspaces (id, name, owner_id) values (%s, 'Local', %s) "
            "on conflict (id) do nothing",
            (workspace_id, user_id),
        )
        conn.execute(
            "insert into public.members (workspace_id, user_id, role) values (%s, %s, 'owner') "
            "on conflict do nothing",
            (workspace_id, user_id),
        )


def memberships(conn: psycopg.Connection[Any], user_id: uuid.UUID) -> list[Membership]:
    """Every workspace the caller may act in, personal first, then by name."""
    rows = conn.execute(
        "select w.id, w.name, w.personal, m.role, w.created_at "
        "from public.members m join public.workspaces w on w.id = m.workspace_id "
        "where m.user_id = %s and public.is_workspace_member(w.id) "
        "order by w.personal desc, w.name, w.id",
        (user_id,),
    ).fetchall()
    return [Membership(*row) for row in rows]
