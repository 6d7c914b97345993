"""Test sets, their content-addressed cases and immutable versions, on the request's connection."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from assay.domain.errors import Conflict, NotFound

Row = dict[str, Any]

_SET_COLUMNS = """
s.id, s.name, s.description, s.created_at, s.updated_at,
v.id as v_id, v.version as v_version, v.content_hash as v_hash, v.case_count as v_count,
v.note as v_note, v.created_at as v_created_at,
lr.id as last_run_id, lr.created_at as last_run_at
from test_sets s
left join lateral (
  select * from test_set_versions v where v.test_set_id = s.id and v.workspace_id = s.workspace_id
  order by v.version desc limit 1
) v on true
left join lateral (
  select r.id, r.created_at from runs r join test_set_versions tv on tv.id = r.test_set_version_id
  where tv.test_set_id = s.id and r.workspace_id = s.workspace_id
  order by r.created_at desc limit 1
) lr on true
"""

_VERSION_COLUMNS = "id, test_set_id, version, content_hash, case_count, note, created_at"

# The text a case search looks in: its description, each variable's name and value, and each
# assertion's type and value (strings as they are, other JSON values as JSON text).
_CASE_TEXT = """concat_ws(' ', t.body->>'description',
  (select string_agg(v.key || ' ' || coalesce(v.value #>> '{}', ''), ' ')
     from jsonb_each(case jsonb_typeof(t.body->'vars') when 'object' then t.body->'vars'
                     else '{}'::jsonb end) v),
  (select string_agg(coalesce(a->>'type', '') || ' ' || coalesce(a->'value' #>> '{}', ''), ' ')
     from jsonb_array_elements(case jsonb_typeof(t.body->'assert') when 'array'
                               then t.body->'assert' else '[]'::jsonb end) a))"""


def _matching(words: Sequence[str]) -> str:
    """An `and` clause holding a case to every word (one ILIKE pattern parameter each)."""
    return f"and {_CASE_TEXT} ilike all (%s)" if words else ""


def _patterns(words: Sequence[str]) -> list[list[str]]:
    escaped = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
    return [[f"%{w}%" for w in escaped]] if words else []


class TestSetsRepo:
    """SQL for test sets; every query is filtered on the workspace as well as guarded by RLS."""

    __test__ = False

    def __init__(self, conn: psycopg.Connection[Any], workspace_id: uuid.UUID) -> None:
        self._conn = conn
        self._ws = workspace_id

    def _rows(self, query: str, params: Sequence[Any] | dict[str, Any]) -> list[Row]:
        return self._conn.cursor(row_factory=dict_row).execute(query, params).fetchall()

    def _one(self, query: str, params: Sequence[Any] | dict[str, Any]) -> Row | None:
        return self._conn.cursor(row_factory=dict_row).execute(query, params).fetchone()

    def list_sets(self, after: tuple[str, str] | None, limit: int) -> list[Row]:
        """Test sets by name, after a (name, id) keyset position."""
        where = "" if after is None else "and (s.name, s.id) > (%(name)s, %(id)s::uuid)"
        name, set_id = after if after is not None else (None, None)
        return self._rows(
            f"select {_SET_COLUMNS} where s.workspace_id = %(ws)s {where} "
            "order by s.name, s.id limit %(limit)s",
            {"ws": self._ws, "name": name, "id": set_id, "limit": limit},
        )

    def get_set(self, test_set_id: uuid.UUID) -> Row:
        """One test set with its latest version; NotFound when absent or not this workspace's."""
        row = self._one(
            f"select {_SET_COLUMNS} where s.workspace_id = %s and s.id = %s",
            (self._ws, test_set_id),
        )
        if row is None:
            raise NotFound(
                f"test set {test_set_id} not found", details={"test_set_id": str(test_set_id)}
            )
        return row

    def lock_set(self, test_set_id: uuid.UUID) -> None:
        """Serialise version-making changes to one test set."""
        row = self._one(
            "select id from test_sets where workspace_id = %s and id = %s for update",
            (self._ws, test_set_id),
        )
        if row is None:
            raise NotFound(
                f"test set {test_set_id} not found", details={"test_set_id": str(test_set_id)}
            )

    def create_set(self, name: str, description: str | None) -> uuid.UUID:
        """A new test set; Conflict when the name is taken in this workspace."""
        try:
            with self._conn.transaction():
                row = self._one(
                    "insert into test_sets (workspace_id, name, description) "
                    "values (%s, %s, %s) returning id",
                    (self._ws, name, description),
                )
        except psycopg.errors.UniqueViolation as exc:
            raise Conflict(f"a test set named {name!r} exists", details={"name": name}) from exc
        assert row is not None
        return uuid.UUID(str(row["id"]))

    def update_set(self, test_set_id: uuid.UUID, fields: dict[str, Any]) -> None:
        """Rename or re-describe a test set."""
        sets = ", ".join(f"{k} = %({k})s" for k in fields)
        try:
            with self._conn.transaction():
                cur = self._conn.execute(
                    f"update test_sets set {sets}, updated_at = now() "
                    "where workspace_id = %(ws)s and id = %(id)s",
                    {**fields, "ws": self._ws, "id": test_set_id},
                )
        except psycopg.errors.UniqueViolation as exc:
            raise Conflict(
                f"a test set named {fields.get('name')!r} exists", details={"name": fields["name"]}
            ) from exc
        if cur.rowcount == 0:
            raise NotFound(f"test set {test_set_id} not found")

    def delete_set(self, test_set_id: uuid.UUID) -> None:
        """Delete a test set with its cases and versions (runs keep their cells and results)."""
        cur = self._conn.execute(
            "delete from test_sets where workspace_id = %s and id = %s", (self._ws, test_set_id)
        )
        if cur.rowcount == 0:
            raise NotFound(f"test set {test_set_id} not found")

    def store_cases(
        self, test_set_id: uuid.UUID, bodies: Sequence[dict[str, Any]], hashes: Sequence[str]
    ) -> dict[str, uuid.UUID]:
        """Content-addressed insert; the id of every given hash."""
        if not hashes:
            return {}
        self._conn.execute(
            "insert into test_cases (workspace_id, test_set_id, content_hash, body) "
            "select %s, %s, h, b from unnest(%s::text[], %s::jsonb[]) as u(h, b) "
            "on conflict (test_set_id, content_hash) do nothing",
            (self._ws, test_set_id, list(hashes), [Jsonb(b) for b in bodies]),
        )
        rows = self._conn.execute(
            "select content_hash, id from test_cases where workspace_id = %s "
            "and test_set_id = %s and content_hash = any(%s)",
            (self._ws, test_set_id, list(set(hashes))),
        ).fetchall()
        return {h: i for h, i in rows}

    def latest_version(self, test_set_id: uuid.UUID) -> Row | None:
        """The newest version row of a test set."""
        return self._one(
            f"select {_VERSION_COLUMNS} from test_set_versions where workspace_id = %s "
            "and test_set_id = %s order by version desc limit 1",
            (self._ws, test_set_id),
        )

    def get_version(self, version_id: uuid.UUID, test_set_id: uuid.UUID | None = None) -> Row:
        """A version row; NotFound when absent, another workspace's or another set's."""
        row = self._one(
            f"select {_VERSION_COLUMNS} from test_set_versions where workspace_id = %s and id = %s",
            (self._ws, version_id),
        )
        if row is None or (test_set_id is not None and row["test_set_id"] != test_set_id):
            raise NotFound(
                f"test set version {version_id} not found", details={"version_id": str(version_id)}
            )
        return row

    def list_versions(self, test_set_id: uuid.UUID, before: int | None, limit: int) -> list[Row]:
        """Versions newest first, below a version number."""
        return self._rows(
            f"select {_VERSION_COLUMNS} from test_set_versions where workspace_id = %s "
            "and test_set_id = %s and version < %s order by version desc limit %s",
            (self._ws, test_set_id, before if before is not None else 2**31 - 1, limit),
        )

    def version_cases(
        self,
        version_id: uuid.UUID,
        after: int = -1,
        limit: int | None = None,
        words: Sequence[str] = (),
    ) -> list[Row]:
        """(position, id, content_hash, body) of a version's cases, in order; with `words`, only
        the cases whose text (see _CASE_TEXT) holds every one of them, ignoring case."""
        return self._rows(
            "select vc.position, t.id, t.content_hash, t.body from test_set_version_cases vc "
            "join test_cases t on t.id = vc.test_case_id and t.workspace_id = vc.workspace_id "
            "where vc.workspace_id = %s and vc.test_set_version_id = %s and vc.position > %s "
            f"{_matching(words)} order by vc.position limit %s",
            (self._ws, version_id, after, *_patterns(words), limit),
        )

    def count_version_cases(self, version_id: uuid.UUID, words: Sequence[str]) -> int:
        """How many of a version's cases hold every one of `words`."""
        row = self._one(
            "select count(*) as n from test_set_version_cases vc "
            "join test_cases t on t.id = vc.test_case_id and t.workspace_id = vc.workspace_id "
            f"where vc.workspace_id = %s and vc.test_set_version_id = %s {_matching(words)}",
            (self._ws, version_id, *_patterns(words)),
        )
        return int(row["n"]) if row else 0

    def create_version(
        self,
        test_set_id: uuid.UUID,
        version: int,
        digest: str,
        case_ids: Sequence[uuid.UUID],
        note: str | None,
    ) -> Row:
        """A new immutable version listing `case_ids` in order."""
        row = self._one(
            "insert into test_set_versions (workspace_id, test_set_id, version, content_hash, "
            f"case_count, note) values (%s, %s, %s, %s, %s, %s) returning {_VERSION_COLUMNS}",
            (self._ws, test_set_id, version, digest, len(case_ids), note),
        )
        assert row is not None
        # COPY is refused under row level security: one INSERT over arrays instead.
        self._conn.execute(
            "insert into test_set_version_cases (test_set_version_id, position, test_case_id, "
            "workspace_id) select %s, u.ord - 1, u.id, %s "
            "from unnest(%s::uuid[]) with ordinality as u(id, ord)",
            (row["id"], self._ws, list(case_ids)),
        )
        self._conn.execute(
            "update test_sets set updated_at = now() where workspace_id = %s and id = %s",
            (self._ws, test_set_id),
        )
        return row
