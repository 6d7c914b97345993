"""Where the database is and how to open connections to it."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

from assay.adapters.postgres.embedded import ensure_embedded
from assay.domain.errors import StorageError
from assay.settings import Settings

CONNECT_TIMEOUT_SECONDS = 10

# prepare_threshold=None: the Supabase transaction pooler cannot keep prepared statements.
CONNECTION_KWARGS: dict[str, Any] = {
    "prepare_threshold": None,
    "autocommit": True,
    "connect_timeout": CONNECT_TIMEOUT_SECONDS,
    "client_encoding": "utf8",
}


def resolve_conninfo(settings: Settings) -> str:
    """`DATABASE_URL` when set, else the embedded server under `ASSAY_HOME` (started if needed)."""
    if settings.database_url:
        return settings.database_url
    return ensure_embedded(settings.assay_home)


def describe_target(conninfo: str) -> str:
    """Name the server and database of a conninfo for messages, never its password."""
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "an unparsable connection string"
    host = str(params.get("host") or params.get("hostaddr") or "the default socket")
    port = params.get("port")
    where = f"{host}:{port}" if port else host
    dbname = params.get("dbname")
    return f"{where} (database {dbname})" if dbname else where


def connection_error(conninfo: str, exc: Exception) -> StorageError:
    """Turn a failed connection attempt into a StorageError that hides the password."""
    reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    try:
        password = conninfo_to_dict(conninfo).get("password")
    except psycopg.ProgrammingError:
        password = None
    if password:
        reason = reason.replace(str(password), "***")
    return StorageError(
        f"cannot connect to PostgreSQL at {describe_target(conninfo)}: {reason}",
        details={"target": describe_target(conninfo)},
    )


def connect(conninfo: str, **overrides: Any) -> psycopg.Connection[TupleRow]:
    """Open an autocommit connection safe for the transaction pooler."""
    try:
        return psycopg.Connection.connect(conninfo, **(CONNECTION_KWARGS | overrides))
    except (psycopg.OperationalError, psycopg.ProgrammingError) as exc:
        raise connection_error(conninfo, exc) from exc


async def connect_async(conninfo: str, **overrides: Any) -> psycopg.AsyncConnection[TupleRow]:
    """Open an async autocommit connection safe for the transaction pooler."""
    try:
        return await psycopg.AsyncConnection.connect(conninfo, **(CONNECTION_KWARGS | overrides))
    except (psycopg.OperationalError, psycopg.ProgrammingError) as exc:
        raise connection_error(conninfo, exc) from exc


def async_pool(
    conninfo: str, *, min_size: int = 1, max_size: int = 8
) -> AsyncConnectionPool[psycopg.AsyncConnection[TupleRow]]:
    """An unopened pool with the same connection settings; the caller opens and closes it."""
    return AsyncConnectionPool(
        conninfo,
        min_size=min_size,
        max_size=max_size,
        kwargs=dict(CONNECTION_KWARGS),
        check=AsyncConnectionPool.check_connection,
        open=False,
        name="assay",
    )
