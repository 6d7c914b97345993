"""API keys in Postgres, read and written in the caller's RLS session."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from assay.usecases.api_keys import ApiKeyRecord

_COLUMNS = "id, workspace_id, name, prefix, created_by, created_at, last_used_at, revoked_at"


class PostgresApiKeys:
    """The `api_keys` table through one request's connection."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def insert(
        self,
        *,
        workspace_id: uuid.UUID,
        name: str,
        prefix: str,
        key_hash: str,
        created_by: uuid.UUID,
    ) -> ApiKeyRecord:
        """Store a new key's hash."""
        row = self._conn.execute(
            "insert into public.api_keys (workspace_id, name, prefix, key_hash, created_by) "
            f"values (%s, %s, %s, %s, %s) returning {_COLUMNS}",
            (workspace_id, name, prefix, key_hash, created_by),
        ).fetchone()
        assert row is not None
        return ApiKeyRecord(*row)

    def list(self, workspace_id: uuid.UUID) -> list[ApiKeyRecord]:
        """Every key of the workspace, newest first."""
        rows = self._conn.execute(
            f"select {_COLUMNS} from public.api_keys where workspace_id = %s "
            "order by created_at desc, id",
            (workspace_id,),
        ).fetchall()
        return [ApiKeyRecord(*row) for row in rows]

    def revoke(self, workspace_id: uuid.UUID, key_id: uuid.UUID) -> ApiKeyRecord | None:
        """Stamp `revoked_at` once; None when the key is not in the workspace."""
        row = self._conn.execute(
            "update public.api_keys set revoked_at = coalesce(revoked_at, now()) "
            f"where id = %s and workspace_id = %s returning {_COLUMNS}",
            (key_id, workspace_id),
        ).fetchone()
        return ApiKeyRecord(*row) if row else None
