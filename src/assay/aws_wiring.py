"""The composition root of the Lambda functions: settings, secrets and clients, built once per
container and reused while it is warm.

Each function role gets one `LambdaRuntime`: a persistent event loop, and on it a one-connection
psycopg pool (the Supabase pooler multiplexes many Lambdas), the model client, the SQS queue
and the Step Functions launcher, all created on first use.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Coroutine
from typing import Any, TypeVar

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from psycopg_pool import AsyncConnectionPool
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from assay.adapters.local_models import LocalModels
from assay.adapters.openrouter import OpenAICompatibleClient
from assay.adapters.postgres.database import async_pool
from assay.adapters.postgres.orchestration_store import (
    PostgresChunkDispatches,
    PostgresRunTransitions,
)
from assay.adapters.postgres.runs import PostgresRunStore
from assay.adapters.router import ProviderRouter
from assay.adapters.sqs import SqsChunkQueue
from assay.adapters.stepfunctions import StepFunctionsLauncher
from assay.domain.errors import ConfigError
from assay.usecases.calling import SystemClock
from assay.usecases.orchestration import Redispatch
from assay.usecases.worker import WorkerLimits

T = TypeVar("T")


class AwsSettings(BaseSettings):
    """What the functions read from their environment (set by template.yaml)."""

    model_config = SettingsConfigDict(env_prefix="", env_ignore_empty=True, extra="ignore")

    database_url: SecretStr | None = None
    database_url_secret_arn: str | None = None
    openrouter_api_key: SecretStr | None = None
    openrouter_api_key_secret_arn: str | None = None
    openrouter_base_url: str = "https://openrouter.ai/api/v1"
    chunk_queue_url: str | None = None
    state_machine_arn: str | None = None
    worker_lease_seconds: float = Field(default=960.0, gt=0)
    worker_max_receives: int = Field(default=12, ge=1)
    worker_safety_seconds: float = Field(default=20.0, ge=0)
    worker_watch_seconds: float = Field(default=2.0, gt=0)
    worker_retry_floor_seconds: float = Field(default=5.0, ge=0)
    worker_retry_jitter_seconds: float = Field(default=5.0, ge=0)
    # twice the queue's visibility timeout: a message still in flight is never duplicated
    redispatch_grace_seconds: float = Field(default=1800.0, gt=0)
    redispatch_limit: int = Field(default=20, ge=0)

    @property
    def openrouter_key_configured(self) -> bool:
        """Whether the functions get an OpenRouter key: the key itself or its secret's ARN.

        The API answers from this without reading the secret: an ARN counts as configured.
        """
        key = self.openrouter_api_key
        if key is not None and key.get_secret_value().strip():
            return True
        return bool(
            self.openrouter_api_key_secret_arn and self.openrouter_api_key_secret_arn.strip()
        )


def load_aws_settings() -> AwsSettings:
    """Read and check the environment once per container."""
    try:
        return AwsSettings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid Lambda environment: {problems}") from exc


def read_secret(arn: str) -> str:
    """The string value of a Secrets Manager secret."""
    try:
        answer = boto3.client("secretsmanager").get_secret_value(SecretId=arn)
    except (ClientError, BotoCoreError) as exc:
        raise ConfigError(f"cannot read secret {arn}: {exc}") from exc
    value = answer.get("SecretString")
    if not value:
        raise ConfigError(f"secret {arn} has no string value")
    return str(value)


def _secret(value: SecretStr | None, arn: str | None, name: str) -> str:
    if value is not None:
        return value.get_secret_value()
    if arn:
        return read_secret(arn)
    raise ConfigError(f"set {name} or {name}_SECRET_ARN in the function's environment")


class LambdaRuntime:
    """One container's event loop and lazily created clients; `run` drives a coroutine on it."""

    def __init__(self, settings: AwsSettings) -> None:
        self.settings = settings
        self.clock = SystemClock()
        self._loop = asyncio.new_event_loop()
        self._pool: AsyncConnectionPool | None = None
        self._llm: ProviderRouter | None = None

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine to completion on this container's loop."""
        return self._loop.run_until_complete(coro)

    async def store(self) -> PostgresRunStore:
        """The run store over this container's one connection."""
        return PostgresRunStore(await self._open_pool())

    async def transitions(self) -> PostgresRunTransitions:
        """Conditional run status moves, over the same connection."""
        return PostgresRunTransitions(await self._open_pool())

    async def dispatches(self) -> PostgresChunkDispatches:
        """When chunks were last enqueued, over the same connection."""
        return PostgresChunkDispatches(await self._open_pool())

    async def redispatch(self) -> Redispatch | None:
        """CheckProgress's safety net for lost chunk messages; None when the limit is 0."""
        s = self.settings
        if s.redispatch_limit == 0:
            return None
        return Redispatch(
            dispatches=await self.dispatches(),
            queue=self.queue,
            grace_s=s.redispatch_grace_seconds,
            limit=s.redispatch_limit,
        )

    def llm(self) -> ProviderRouter:
        """The model client; the OpenRouter key comes from Secrets Manager, not the environment."""
        if self._llm is None:
            s = self.settings
            key = _secret(
                s.openrouter_api_key, s.openrouter_api_key_secret_arn, "OPENROUTER_API_KEY"
            )
            remote = OpenAICompatibleClient(
                openrouter_base_url=s.openrouter_base_url,
                env={**os.environ, "OPENROUTER_API_KEY": key},
                max_connections=64,
            )
            self._llm = ProviderRouter(remote=remote, local=LocalModels())
        return self._llm

    @functools.cached_property
    def queue(self) -> SqsChunkQueue:
        """The chunk queue."""
        if not self.settings.chunk_queue_url:
            raise ConfigError("set CHUNK_QUEUE_URL in the function's environment")
        return SqsChunkQueue(boto3.client("sqs"), self.settings.chunk_queue_url)

    @functools.cached_property
    def launcher(self) -> StepFunctionsLauncher:
        """The run workflow launcher."""
        if not self.settings.state_machine_arn:
            raise ConfigError("set STATE_MACHINE_ARN in the function's environment")
        return StepFunctionsLauncher(boto3.client("stepfunctions"), self.settings.state_machine_arn)

    def worker_limits(self, remaining_ms: int) -> WorkerLimits:
        """Bounds for one delivery, from the time the Lambda has left."""
        s = self.settings
        return WorkerLimits(
            budget_s=max(1.0, remaining_ms / 1000 - s.worker_safety_seconds),
            lease_s=s.worker_lease_seconds,
            max_receives=s.worker_max_receives,
            watch_s=s.worker_watch_seconds,
            retry_floor_s=s.worker_retry_floor_seconds,
            jitter_s=s.worker_retry_jitter_seconds,
        )

    async def _open_pool(self) -> AsyncConnectionPool:
        if self._pool is None:
            s = self.settings
            url = _secret(s.database_url, s.database_url_secret_arn, "DATABASE_URL")
            pool = async_pool(url, min_size=1, max_size=1)
            await pool.open(wait=True)
            self._pool = pool
        return self._pool

    def close(self) -> None:
        """Close the clients and the loop (tests; Lambda just freezes the container)."""
        if self._llm is not None:
            self.run(self._llm.aclose())
        if self._pool is not None:
            self.run(self._pool.close())
        self._loop.close()


# Reused on purpose: a warm container keeps its loop, connection and clients between events.
_RUNTIMES: dict[str, LambdaRuntime] = {}


def runtime(role: str) -> LambdaRuntime:
    """The runtime of one function role ("orchestrator", "worker", "api"), made on first use."""
    if role not in _RUNTIMES:
        _RUNTIMES[role] = LambdaRuntime(load_aws_settings())
    return _RUNTIMES[role]


def reset() -> None:
    """Close every runtime so the next call builds fresh ones (tests, after changing the env)."""
    while _RUNTIMES:
        _, built = _RUNTIMES.popitem()
        built.close()
