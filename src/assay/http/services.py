"""What the API's routes and middleware share: database connections, settings, launcher, auth."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import uuid
from collections.abc import Callable, Coroutine, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from assay.adapters.postgres.database import CONNECTION_KWARGS, connect
from assay.domain.errors import ConfigError, StorageError
from assay.http.jwt_verify import TokenVerifier, verifier_from_settings
from assay.ports import RunLauncher
from assay.settings import Settings, load_settings

log = logging.getLogger(__name__)
T = TypeVar("T")

POOL_TIMEOUT_S = 10.0


class ConnectionSource(Protocol):
    """Lends a psycopg connection (autocommit; callers open their own transaction)."""

    def connection(self) -> AbstractContextManager[psycopg.Connection[Any]]: ...


class PooledConnections:
    """`assay up`: a thread-safe pool shared by concurrent requests."""

    def __init__(self, conninfo: str, *, max_size: int = 10) -> None:
        self.pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max_size,
            kwargs=dict(CONNECTION_KWARGS),
            timeout=POOL_TIMEOUT_S,
            open=False,
            name="assay-api",
        )

    def open(self) -> None:
        """Open the pool and wait for its first connection."""
        self.pool.open(wait=True, timeout=POOL_TIMEOUT_S)

    def close(self) -> None:
        """Close every connection."""
        self.pool.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection, returned to the pool afterwards."""
        try:
            with self.pool.connection() as conn:
                yield conn
        except PoolTimeout as exc:
            raise StorageError("the database is busy or unreachable; retry shortly") from exc


class SingleConnection:
    """Lambda: one connection per container, opened on first use and reused while warm."""

    def __init__(self, conninfo: Callable[[], str]) -> None:
        self._conninfo = conninfo
        self._conn: psycopg.Connection[Any] | None = None

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """The container's connection, reopened when the last one broke."""
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = connect(self._conninfo())
        yield self._conn

    def close(self) -> None:
        """Close the connection (tests; Lambda just freezes the container)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class UnconfiguredLauncher:
    """Stands in where no executor is wired: starting a run is a clear 503, not a crash."""

    async def start(self, run_id: uuid.UUID) -> str:
        raise StorageError(
            "no run executor is configured for this API", details={"run_id": str(run_id)}
        )

    async def stop(self, run_id: uuid.UUID, reason: str) -> None:
        """Nothing runs, so nothing needs stopping."""


@dataclass
class ApiServices:
    """Built once per process (per Lambda container) and shared by every request.

    `verifier` is None in local single-user mode (no SUPABASE_URL / SUPABASE_JWT_SECRET).
    """

    db: ConnectionSource
    settings: Settings
    launcher: RunLauncher
    verifier: TokenVerifier | None
    catalog: Any = None
    # None: `settings` decide (`assay up`); the Lambda passes what its AWS wiring says.
    openrouter_key: bool | None = None

    @property
    def local_mode(self) -> bool:
        """True when there is no Supabase auth: one local user, loopback only."""
        return self.verifier is None

    @property
    def has_openrouter_key(self) -> bool:
        """Whether runs here can call OpenRouter: a key (or, on AWS, its secret) is configured."""
        if self.openrouter_key is not None:
            return self.openrouter_key
        return self.settings.openrouter_key_configured

    def start_run(self, run_id: uuid.UUID) -> None:
        """Start a stored run; call it from `scope.on_commit`, after the run row is committed."""
        _run_sync(self.launcher.start(run_id))

    def stop_run(self, run_id: uuid.UUID, reason: str) -> None:
        """Stop a run's executor; the run's status is already `cancelled` in Postgres."""
        _run_sync(self.launcher.stop(run_id, reason))


def _run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Drive a launcher coroutine from sync code, even from a thread that runs a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def lambda_services() -> ApiServices:
    """The API Lambda's services: database URL (or its secret) and launcher from the environment."""
    from assay import aws_wiring  # boto3 and friends: only the Lambda pays for importing them

    aws = aws_wiring.load_aws_settings()
    resolved: list[str] = []

    def conninfo() -> str:
        # A misconfigured deployment answers 503 (the server's fault), never 400.
        if not resolved:
            try:
                if aws.database_url is not None:
                    resolved.append(aws.database_url.get_secret_value())
                elif aws.database_url_secret_arn:
                    resolved.append(aws_wiring.read_secret(aws.database_url_secret_arn))
                else:
                    raise ConfigError("set DATABASE_URL or DATABASE_URL_SECRET_ARN for the API")
            except ConfigError as exc:
                raise StorageError(exc.message) from exc
        return resolved[0]

    launcher: RunLauncher = (
        aws_wiring.runtime("api").launcher if aws.state_machine_arn else UnconfiguredLauncher()
    )
    settings = load_settings()
    return ApiServices(
        db=SingleConnection(conninfo),
        settings=settings,
        launcher=launcher,
        verifier=verifier_from_settings(settings),
        openrouter_key=aws.openrouter_key_configured,
    )
