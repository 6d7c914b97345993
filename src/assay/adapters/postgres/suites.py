"""Storing test sets (content-addressed cases, immutable versions) and prompt versions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from assay.domain.models import (
    PromptTemplate,
    TestCase,
    canonical_json,
    content_hash,
    text_hash,
)


@dataclass(frozen=True)
class StoredSuite:
    """Ids of what a suite was stored as."""

    test_set_id: uuid.UUID
    test_set_version_id: uuid.UUID
    version: int
    case_ids: list[uuid.UUID]
    prompt_version_ids: list[uuid.UUID]


async def ensure_workspace(conn: AsyncConnection, workspace_id: uuid.UUID, name: str) -> None:
    """Create the workspace when absent (idempotent)."""
    await conn.execute(
        "insert into workspaces (id, name) values (%s, %s) on conflict (id) do nothing",
        (workspace_id, name),
    )


async def save_test_set(
    conn: AsyncConnection, workspace_id: uuid.UUID, name: str, cases: Sequence[TestCase]
) -> tuple[uuid.UUID, uuid.UUID, int, list[uuid.UUID]]:
    """Store cases under a test set; a new version only when the content changed."""
    row = await (
        await conn.execute(
            "insert into test_sets (workspace_id, name) values (%s, %s) "
            "on conflict (workspace_id, name) do update set updated_at = test_sets.updated_at "
            "returning id",
            (workspace_id, name),
        )
    ).fetchone()
    assert row is not None
    test_set_id = row[0]
    texts = [canonical_json(c.stored()) for c in cases]
    hashes = [text_hash(t) for t in texts]
    # COPY then one INSERT: storing a 10,000-case CSV is one round trip, not 10,000.
    await conn.execute(
        "create temp table if not exists test_cases_staging "
        "(content_hash text, body jsonb) on commit delete rows"
    )
    async with (
        conn.cursor() as cur,
        cur.copy("copy test_cases_staging (content_hash, body) from stdin") as copy,
    ):
        for digest, text in zip(hashes, texts, strict=True):
            await copy.write_row((digest, text))
    await conn.execute(
        "insert into test_cases (workspace_id, test_set_id, content_hash, body) "
        "select distinct on (content_hash) %s, %s, content_hash, body from test_cases_staging "
        "on conflict (test_set_id, content_hash) do nothing",
        (workspace_id, test_set_id),
    )
    ids: dict[str, uuid.UUID] = dict(
        await (
            await conn.execute(
                "select content_hash, id from test_cases "
                "where test_set_id = %s and content_hash = any(%s)",
                (test_set_id, list(set(hashes))),
            )
        ).fetchall()
    )
    case_ids = [ids[h] for h in hashes]
    version_hash = content_hash(hashes)
    latest = await (
        await conn.execute(
            "select id, version, content_hash from test_set_versions where test_set_id = %s "
            "order by version desc limit 1 for update",
            (test_set_id,),
        )
    ).fetchone()
    if latest is not None and latest[2] == version_hash:
        return test_set_id, latest[0], latest[1], case_ids
    version = 1 if latest is None else latest[1] + 1
    vrow = await (
        await conn.execute(
            "insert into test_set_versions "
            "(workspace_id, test_set_id, version, content_hash, case_count) "
            "values (%s, %s, %s, %s, %s) returning id",
            (workspace_id, test_set_id, version, version_hash, len(cases)),
        )
    ).fetchone()
    assert vrow is not None
    async with (
        conn.cursor() as cur,
        cur.copy(
            "copy test_set_version_cases "
            "(test_set_version_id, position, test_case_id, workspace_id) from stdin"
        ) as copy,
    ):
        for position, case_id in enumerate(case_ids):
            await copy.write_row((vrow[0], position, case_id, workspace_id))
    return test_set_id, vrow[0], version, case_ids


async def save_prompt(
    conn: AsyncConnection, workspace_id: uuid.UUID, name: str, template: PromptTemplate
) -> uuid.UUID:
    """Store a prompt version, reusing the version with the same content."""
    row = await (
        await conn.execute(
            "insert into prompts (workspace_id, name) values (%s, %s) "
            "on conflict (workspace_id, name) do update set updated_at = prompts.updated_at "
            "returning id",
            (workspace_id, name),
        )
    ).fetchone()
    assert row is not None
    prompt_id = row[0]
    digest = template.hash()
    found = await (
        await conn.execute(
            "select id from prompt_versions where prompt_id = %s and content_hash = %s",
            (prompt_id, digest),
        )
    ).fetchone()
    if found is not None:
        return uuid.UUID(str(found[0]))
    await conn.execute("select 1 from prompts where id = %s for update", (prompt_id,))
    created = await (
        await conn.execute(
            "insert into prompt_versions (workspace_id, prompt_id, version, content_hash, body) "
            "select %s, %s, coalesce(max(version), 0) + 1, %s, %s from prompt_versions "
            "where prompt_id = %s returning id",
            (workspace_id, prompt_id, digest, Jsonb(template.body()), prompt_id),
        )
    ).fetchone()
    assert created is not None
    return uuid.UUID(str(created[0]))
