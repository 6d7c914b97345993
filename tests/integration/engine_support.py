"""Builders shared by the engine's integration tests: suites, an engine over a test database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from assay.adapters.local_models import LocalModels
from assay.adapters.openrouter import OpenAICompatibleClient
from assay.adapters.postgres.database import async_pool
from assay.adapters.postgres.runs import PostgresRunStore
from assay.adapters.router import ProviderRouter
from assay.domain.models import AssertionSpec, EvalSuite, PromptTemplate, ProviderSpec, TestCase
from assay.usecases.calling import CallPolicy, SystemClock
from assay.usecases.local_run import LocalRunner, LocalRunOptions

FAST_POLICY = CallPolicy(max_attempts=10, base_delay=0.01, max_delay=0.2, deadline_s=60)


def provider(model: str, base_url: str, **params: Any) -> ProviderSpec:
    return ProviderSpec(
        id=f"openrouter:{model}",
        label=model,
        kind="openrouter",
        model=model,
        base_url=base_url,
        api_key_env="FAKE_OPENROUTER_KEY",
        params=params,
    )


def suite(
    base_url: str,
    *,
    cases: int = 10,
    models: tuple[str, ...] = ("fake/model",),
    template: str = "Say {{ word }}",
    expect: str = "word",
) -> EvalSuite:
    tests = tuple(
        TestCase(
            description=f"case {i}",
            vars={"word": f"word{i}"},
            assertions=(AssertionSpec(type="contains", value=expect),),
        )
        for i in range(cases)
    )
    return EvalSuite(
        description="engine test",
        prompts=(PromptTemplate(label="p1", text=template),),
        providers=tuple(provider(m, base_url) for m in models),
        tests=tests,
        source=f"/virtual/{uuid.uuid4().hex}.yaml",
    )


@dataclass
class Engine:
    store: PostgresRunStore
    runner: LocalRunner


@asynccontextmanager
async def engine(database_url: str) -> AsyncIterator[Engine]:
    pool = async_pool(database_url, min_size=1, max_size=6)
    await pool.open(wait=True)
    llm = ProviderRouter(remote=OpenAICompatibleClient(), local=LocalModels())
    try:
        store = PostgresRunStore(pool)
        yield Engine(store, LocalRunner(store=store, llm=llm, clock=SystemClock()))
    finally:
        await llm.aclose()
        await pool.close()


def options(concurrency: int = 8, chunk_size: int = 5) -> LocalRunOptions:
    return LocalRunOptions(
        concurrency=concurrency, chunk_size=chunk_size, poll_s=0.05, policy=FAST_POLICY
    )


def rows(database_url: str, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(sql, args).fetchall()
