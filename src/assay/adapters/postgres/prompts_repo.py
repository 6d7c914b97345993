"""Prompts and their content-addressed versions, on the request's connection."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from assay.domain.errors import Conflict, NotFound

Row = dict[str, Any]
_VERSION = "id, prompt_id, version, content_hash, body, variables, created_at"
_PROMPT = f"""
p.id, p.name, p.created_at, p.updated_at, to_jsonb(v) as latest
from prompts p left join lateral (
  select {_VERSION} from prompt_versions v where v.prompt_id = p.id
  and v.workspace_id = p.workspace_id order by v.version desc limit 1
) v on true
"""


class PromptsRepo:
    """SQL for prompts; every query filters on the workspace as well as RLS."""

    def __init__(self, conn: psycopg.Connection[Any], workspace_id: uuid.UUID) -> None:
        self._conn = conn
        self._ws = workspace_id

    def _one(self, query: str, params: Sequence[Any]) -> Row | None:
        return self._conn.cursor(row_factory=dict_row).execute(query, params).fetchone()

    def _rows(self, query: str, params: Sequence[Any]) -> list[Row]:
        return self._conn.cursor(row_factory=dict_row).execute(query, params).fetchall()

    def create(self, name: str) -> uuid.UUID:
        """A new prompt; Conflict when the name is taken."""
        try:
            with self._conn.transaction():
                row = self._one(
                    "insert into prompts (workspace_id, name) values (%s, %s) returning id",
                    (self._ws, name),
                )
        except psycopg.errors.UniqueViolation as exc:
            raise Conflict(f"a prompt named {name!r} exists", details={"name": name}) from exc
        assert row is not None
        return uuid.UUID(str(row["id"]))

    def rename(self, prompt_id: uuid.UUID, name: str) -> None:
        """Rename; Conflict when the name is taken."""
        try:
            with self._conn.transaction():
                cur = self._conn.execute(
                    "update prompts set name = %s, updated_at = now() "
                    "where workspace_id = %s and id = %s",
                    (name, self._ws, prompt_id),
                )
        except psycopg.errors.UniqueViolation as exc:
            raise Conflict(f"a prompt named {name!r} exists", details={"name": name}) from exc
        if cur.rowcount == 0:
            raise NotFound(f"prompt {prompt_id} not found")

    def delete(self, prompt_id: uuid.UUID) -> None:
        """Delete a prompt and its versions (runs keep their own copy of the template)."""
        cur = self._conn.execute(
            "delete from prompts where workspace_id = %s and id = %s", (self._ws, prompt_id)
        )
        if cur.rowcount == 0:
            raise NotFound(f"prompt {prompt_id} not found")

    def get(self, prompt_id: uuid.UUID, *, lock: bool = False) -> Row:
        """A prompt with its latest version; NotFound when absent or another workspace's."""
        row = self._one(
            f"select {_PROMPT} where p.workspace_id = %s and p.id = %s", (self._ws, prompt_id)
        )
        if row is None:
            raise NotFound(f"prompt {prompt_id} not found", details={"prompt_id": str(prompt_id)})
        if lock:
            self._conn.execute("select 1 from prompts where id = %s for update", (prompt_id,))
        return row

    def list_page(self, after: tuple[str, str] | None, limit: int) -> list[Row]:
        """Prompts by name after a (name, id) position."""
        if after is None:
            return self._rows(
                f"select {_PROMPT} where p.workspace_id = %s order by p.name, p.id limit %s",
                (self._ws, limit),
            )
        return self._rows(
            f"select {_PROMPT} where p.workspace_id = %s and (p.name, p.id) > (%s, %s::uuid) "
            "order by p.name, p.id limit %s",
            (self._ws, after[0], after[1], limit),
        )

    def version_by_hash(self, prompt_id: uuid.UUID, digest: str) -> Row | None:
        """The version with this content, if any."""
        return self._one(
            f"select {_VERSION} from prompt_versions where workspace_id = %s and prompt_id = %s "
            "and content_hash = %s",
            (self._ws, prompt_id, digest),
        )

    def add_version(
        self, prompt_id: uuid.UUID, digest: str, body: dict[str, Any], variables: list[str]
    ) -> Row:
        """The next version number with this body."""
        row = self._one(
            "insert into prompt_versions (workspace_id, prompt_id, version, content_hash, body, "
            "variables) select %s, %s, coalesce(max(version), 0) + 1, %s, %s, %s "
            f"from prompt_versions where workspace_id = %s and prompt_id = %s returning {_VERSION}",
            (self._ws, prompt_id, digest, Jsonb(body), variables, self._ws, prompt_id),
        )
        self._conn.execute(
            "update prompts set updated_at = now() where workspace_id = %s and id = %s",
            (self._ws, prompt_id),
        )
        assert row is not None
        return row

    def versions(self, prompt_id: uuid.UUID, before: int | None, limit: int) -> list[Row]:
        """Versions newest first, below a version number."""
        return self._rows(
            f"select {_VERSION} from prompt_versions where workspace_id = %s and prompt_id = %s "
            "and version < %s order by version desc limit %s",
            (self._ws, prompt_id, before if before is not None else 2**31 - 1, limit),
        )

    def version(self, version_id: uuid.UUID, prompt_id: uuid.UUID | None = None) -> Row:
        """One version; NotFound when absent, another workspace's or another prompt's."""
        row = self._one(
            f"select {_VERSION} from prompt_versions where workspace_id = %s and id = %s",
            (self._ws, version_id),
        )
        if row is None or (prompt_id is not None and row["prompt_id"] != prompt_id):
            raise NotFound(
                f"prompt version {version_id} not found",
                details={"prompt_version_id": str(version_id)},
            )
        return row

    def versions_by_ids(self, ids: Sequence[uuid.UUID]) -> list[Row]:
        """Versions with their prompt's name, for the given ids (this workspace's only)."""
        return self._rows(
            f"select v.{_VERSION.replace(', ', ', v.')}, p.name from prompt_versions v "
            "join prompts p on p.id = v.prompt_id and p.workspace_id = v.workspace_id "
            "where v.workspace_id = %s and v.id = any(%s)",
            (self._ws, list(ids)),
        )
