"""The one composition root: builds real adapters from settings for the CLI and the services."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from assay.adapters.local_models import LocalModels
from assay.adapters.openrouter import OpenAICompatibleClient
from assay.adapters.postgres.database import async_pool, connect, resolve_conninfo
from assay.adapters.postgres.migrations import migrate
from assay.adapters.postgres.reports import PostgresRunReports
from assay.adapters.postgres.runs import PostgresRunStore
from assay.adapters.router import ProviderRouter
from assay.domain.assertions import CodeRunner
from assay.settings import Settings
from assay.usecases.calling import SystemClock
from assay.usecases.local_run import LocalRunner


def database(settings: Settings, *, apply_migrations: bool = True) -> str:
    """The conninfo to use (embedded Postgres when DATABASE_URL is unset), migrated."""
    conninfo = resolve_conninfo(settings)
    if apply_migrations:
        migrate(conninfo)
    return conninfo


def reports(conninfo: str) -> PostgresRunReports:
    """Read-only run views over short-lived sync connections."""

    def _connect() -> psycopg.Connection[Any]:
        return connect(conninfo)

    return PostgresRunReports(_connect)


@dataclass
class LocalEngine:
    """What `assay run` drives: the store, the runner and the model clients."""

    store: PostgresRunStore
    runner: LocalRunner


@asynccontextmanager
async def local_engine(
    conninfo: str, *, concurrency: int, code_runner: CodeRunner | None = None
) -> AsyncIterator[LocalEngine]:
    """Open the pool and the HTTP clients for one process's runs; close them after."""
    pool = async_pool(conninfo, min_size=2, max_size=8)
    await pool.open(wait=True)
    llm = ProviderRouter(
        remote=OpenAICompatibleClient(max_connections=max(100, 2 * concurrency)),
        local=LocalModels(),
    )
    try:
        store = PostgresRunStore(pool)
        runner = LocalRunner(store=store, llm=llm, clock=SystemClock(), code_runner=code_runner)
        yield LocalEngine(store=store, runner=runner)
    finally:
        await llm.aclose()
        await pool.close()
