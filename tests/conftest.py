"""Shared fixtures: throw-away PostgreSQL databases on the test server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from assay.adapters.postgres.migrations import migrate

DEFAULT_TEST_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
INTEGRATION_DIR = Path(__file__).parent / "integration"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "embedded: starts the embedded PostgreSQL (deselect with -m 'not embedded')"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(INTEGRATION_DIR):
            item.add_marker(pytest.mark.integration)


def database_url_for(server_url: str, dbname: str) -> str:
    """The URL of database `dbname` on the server of `server_url`."""
    parts = urlsplit(server_url)
    if parts.scheme in ("postgres", "postgresql"):
        return urlunsplit(parts._replace(path="/" + dbname))
    return make_conninfo(server_url, dbname=dbname)


def _admin(server_url: str) -> psycopg.Connection:
    return psycopg.connect(server_url, autocommit=True, connect_timeout=5)


def _create_database(server_url: str, name: str, template: str | None = None) -> None:
    query = sql.SQL("create database {}").format(sql.Identifier(name))
    if template:
        query += sql.SQL(" template {}").format(sql.Identifier(template))
    with _admin(server_url) as conn:
        conn.execute(query)


def _drop_database(server_url: str, name: str) -> None:
    with _admin(server_url) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """The test server: `ASSAY_TEST_DATABASE_URL`, else the local PostgreSQL on 127.0.0.1:5432."""
    url = os.environ.get("ASSAY_TEST_DATABASE_URL") or DEFAULT_TEST_SERVER
    try:
        with _admin(url) as conn:
            conn.execute("select 1")
    except psycopg.Error as exc:
        pytest.fail(
            f"the integration tests need PostgreSQL 15+ at {url} (set ASSAY_TEST_DATABASE_URL "
            f"to a superuser URL of another server): {exc}",
            pytrace=False,
        )
    return url


@pytest.fixture(scope="session")
def migrated_template(pg_server_url: str) -> Iterator[str]:
    """A database migrated once per session, copied by `database_url`."""
    name = f"assay_tmpl_{uuid.uuid4().hex[:12]}"
    _create_database(pg_server_url, name)
    try:
        migrate(database_url_for(pg_server_url, name))
        yield name
    finally:
        _drop_database(pg_server_url, name)


@pytest.fixture
def database_url(pg_server_url: str, migrated_template: str) -> Iterator[str]:
    """A fresh, fully migrated database for one test, dropped afterwards."""
    name = f"assay_test_{uuid.uuid4().hex[:12]}"
    _create_database(pg_server_url, name, template=migrated_template)
    try:
        yield database_url_for(pg_server_url, name)
    finally:
        _drop_database(pg_server_url, name)


@pytest.fixture
def blank_database_url(pg_server_url: str) -> Iterator[str]:
    """A fresh empty database for one test, dropped afterwards."""
    name = f"assay_test_{uuid.uuid4().hex[:12]}"
    _create_database(pg_server_url, name)
    try:
        yield database_url_for(pg_server_url, name)
    finally:
        _drop_database(pg_server_url, name)
