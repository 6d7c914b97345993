"""The embedded server, and how the database is resolved and connected to."""

from __future__ import annotations

import fcntl
import os
import pwd
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from assay.adapters.postgres.database import async_pool, connect, connect_async, resolve_conninfo
from assay.adapters.postgres.embedded import ensure_embedded, stop_embedded
from assay.adapters.postgres.migrations import migrate
from assay.domain.errors import ConfigError, StorageError
from assay.settings import Settings, load_settings

START_AND_PRINT = (
    "import sys; from pathlib import Path;"
    "from assay.adapters.postgres.embedded import ensure_embedded;"
    "print(ensure_embedded(Path(sys.argv[1])))"
)


def postmaster_pid(home: Path) -> int:
    return int((home / "pgdata" / "postmaster.pid").read_text().splitlines()[0])


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    # Longer than a Unix socket path may be, so the socket must live elsewhere.
    path = tmp_path / ("assay-home-" + "x" * 100)
    yield path
    stop_embedded(path)


@pytest.mark.embedded
def test_started_by_concurrent_processes_then_reused(home: Path) -> None:
    starters = [
        subprocess.Popen(
            [sys.executable, "-c", START_AND_PRINT, str(home)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [starter.communicate(timeout=180) for starter in starters]
    assert [starter.returncode for starter in starters] == [0, 0], outputs
    first, second = (out.strip() for out, _ in outputs)
    assert first == second
    assert len(str(home)) > 108 and str(home) not in first

    # Both starters have exited; the server outlived them and is reused.
    pid = postmaster_pid(home)
    url = ensure_embedded(home)
    assert url == first and postmaster_pid(home) == pid
    assert migrate(url) != []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("insert into public.workspaces (name) values ('kept')")
        assert conn.execute("select current_database()").fetchone() == ("assay",)

    assert stop_embedded(home) is True
    assert stop_embedded(home) is False
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=5)

    url = ensure_embedded(home)
    assert postmaster_pid(home) != pid
    assert migrate(url) == []
    with psycopg.connect(url) as conn:
        assert conn.execute("select name from public.workspaces").fetchall() == [("kept",)]
    assert resolve_conninfo(Settings(database_url=None, assay_home=home)) == url


@pytest.mark.embedded
def test_a_start_waits_while_another_start_of_the_same_data_holds_the_lock(home: Path) -> None:
    home.mkdir(parents=True)
    with open(home / ".pgdata.start-lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        starter = subprocess.Popen(
            [sys.executable, "-c", START_AND_PRINT, str(home)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with pytest.raises(subprocess.TimeoutExpired):
            starter.wait(timeout=3)
        # Waiting, not initialising: nothing is written into the data folder meanwhile.
        assert not (home / "pgdata" / "PG_VERSION").exists()
    out, err = starter.communicate(timeout=180)
    assert starter.returncode == 0, err
    assert out.strip().startswith("postgresql://")


def test_data_of_another_postgres_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pgdata").mkdir()
    (tmp_path / "pgdata" / "PG_VERSION").write_text("18\n")
    with pytest.raises(StorageError, match="PostgreSQL 18 data"):
        ensure_embedded(tmp_path)
    assert stop_embedded(tmp_path) is False


def test_a_failing_start_reports_the_server_error(tmp_path: Path) -> None:
    (tmp_path / "pgdata").mkdir()
    (tmp_path / "pgdata" / "stray-file").write_text("not a database")
    with pytest.raises(StorageError, match="exists but is not empty") as caught:
        ensure_embedded(tmp_path)
    assert "DATABASE_URL" in caught.value.message


@pytest.mark.skipif(os.geteuid() != 0, reason="only root must not use a home folder")
def test_root_refuses_a_home_folder() -> None:
    target = Path(pwd.getpwuid(0).pw_dir) / ".assay-never-created"
    with pytest.raises(StorageError, match="ASSAY_HOME"):
        ensure_embedded(target)
    assert not target.exists()


def test_database_url_wins_over_the_embedded_server(tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql://db.example/assay", assay_home=tmp_path)
    assert resolve_conninfo(settings) == "postgresql://db.example/assay"
    assert not (tmp_path / "pgdata").exists()


def test_connect_is_autocommit_and_unprepared(database_url: str) -> None:
    with connect(database_url) as conn:
        assert conn.autocommit is True
        assert conn.prepare_threshold is None
        assert conn.execute("select count(*) from public.workspaces").fetchone() == (0,)


async def test_async_connection_and_pool(database_url: str) -> None:
    conn = await connect_async(database_url)
    async with conn:
        assert conn.autocommit is True
        assert await (await conn.execute("select 41 + 1")).fetchone() == (42,)
    async with async_pool(database_url, max_size=2) as pool, pool.connection() as pooled:
        assert pooled.prepare_threshold is None
        assert await (await pooled.execute("select 'pooled'")).fetchone() == ("pooled",)


async def test_async_connection_failure_names_the_host() -> None:
    with pytest.raises(StorageError, match=r"127\.0\.0\.1:1 \(database nowhere\)") as caught:
        await connect_async("postgresql://who:hunter2@127.0.0.1:1/nowhere")
    assert "hunter2" not in caught.value.message


def test_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/assay")
    monkeypatch.setenv("ASSAY_HOME", "state")
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("SUPABASE_URL", "https://abc.supabase.co/")
    load_settings.cache_clear()
    try:
        settings = load_settings()
        assert load_settings() is settings
    finally:
        load_settings.cache_clear()
    assert settings.database_url == "postgresql://db.example/assay"
    assert settings.assay_home == tmp_path.resolve() / "state"
    assert settings.openrouter_api_key is not None
    assert settings.openrouter_api_key.get_secret_value() == "sk-or-test"
    assert "sk-or-test" not in repr(settings)
    assert settings.log_level == "DEBUG"
    assert settings.supabase_url == "https://abc.supabase.co"
    assert settings.openrouter_base_url == "https://openrouter.ai/api/v1"


def test_defaults_and_bad_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "ASSAY_HOME", "LOG_LEVEL", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url is None and settings.openrouter_api_key is None
    assert settings.assay_home == tmp_path.resolve() / ".assay"
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    load_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="LOG_LEVEL"):
            load_settings()
    finally:
        load_settings.cache_clear()
