"""The workspace's cached copy of OpenRouter's model list."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row

from assay.usecases.catalog import CatalogEntry

_COLUMNS = "model_id, name, context_length, prompt_price, completion_price, refreshed_at"


class CatalogRepo:
    """SQL for model_catalog; filtered on the workspace as well as RLS."""

    def __init__(self, conn: psycopg.Connection[Any], workspace_id: uuid.UUID) -> None:
        self._conn = conn
        self._ws = workspace_id

    def replace(self, entries: Sequence[CatalogEntry]) -> None:
        """Swap the cached list for `entries`."""
        self._conn.execute("delete from model_catalog where workspace_id = %s", (self._ws,))
        self._conn.execute(
            "insert into model_catalog (workspace_id, model_id, name, context_length, "
            "prompt_price, completion_price) select %s, u.* from unnest(%s::text[], %s::text[], "
            "%s::int[], %s::float8[], %s::float8[]) as u",
            (
                self._ws,
                [e.id for e in entries],
                [e.name for e in entries],
                [e.context_length for e in entries],
                [e.prompt_price for e in entries],
                [e.completion_price for e in entries],
            ),
        )

    def list_page(self, search: str | None, after: str | None, limit: int) -> list[dict[str, Any]]:
        """Cached models by id, optionally those whose id or name contains `search`."""
        like = None if search is None else "%" + search.replace("\\", "\\\\").replace(
            "%", "\\%").replace("_", "\\_") + "%"  # fmt: skip
        return (
            self._conn.cursor(row_factory=dict_row)
            .execute(
                f"select {_COLUMNS} from model_catalog where workspace_id = %(ws)s "
                "and (%(like)s::text is null or model_id ilike %(like)s or name ilike %(like)s) "
                "and (%(after)s::text is null or model_id > %(after)s) "
                "order by model_id limit %(limit)s",
                {"ws": self._ws, "like": like, "after": after, "limit": limit},
            )
            .fetchall()
        )
