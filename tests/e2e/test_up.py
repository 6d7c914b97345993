"""`assay up` as a user starts it: one log line, the API and docs on one origin, clean SIGINT."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx
import jwt
import pytest

from fakes.openrouter import FakeOpenRouter

START_DEADLINE_S = 60.0


def _env(database_url: str, home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPABASE_", "OPENROUTER_"))}
    return env | {"DATABASE_URL": database_url, "ASSAY_HOME": str(home)} | extra


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(env: dict[str, str], cwd: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "assay.cli.main", "up", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    stdout = proc.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    deadline = time.monotonic() + START_DEADLINE_S
    while True:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            proc.kill()
            errors = proc.stderr.read() if proc.stderr else ""
            pytest.fail(f"assay up printed no start line; stderr: {errors}")
        match = re.search(r"open (http://\S+/) ", line)
        if match:
            return proc, match.group(1).rstrip("/")


def test_up_serves_api_docs_and_dashboard_then_stops_on_sigint(
    database_url: str, tmp_path: Path
) -> None:
    port = _free_port()
    proc, url = _start(_env(database_url, tmp_path / "home"), tmp_path, "--port", str(port))
    try:
        assert url == f"http://127.0.0.1:{port}"
        me = httpx.get(f"{url}/v1/me", timeout=30)
        assert me.status_code == 200, me.text
        assert me.json()["actor"] == "local"
        doc = httpx.get(f"{url}/v1/openapi.json", timeout=30).json()
        assert doc["openapi"].startswith("3.1") and "/v1/me" in doc["paths"]
        home = httpx.get(f"{url}/", timeout=30)
        assert home.status_code == 200 and "text/html" in home.headers["content-type"]
        docs = httpx.get(f"{url}/v1/docs", timeout=30)
        assert docs.status_code == 200 and "swagger-ui" in docs.text
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=60)
    assert code == 0, proc.stderr.read() if proc.stderr else ""
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/v1/me", timeout=5)


def test_up_with_a_jwt_secret_requires_tokens(database_url: str, tmp_path: Path) -> None:
    secret = "e2e-secret-" * 4
    env = _env(database_url, tmp_path / "home", SUPABASE_JWT_SECRET=secret)
    proc, url = _start(env, tmp_path, "--port", str(_free_port()))
    try:
        assert httpx.get(f"{url}/v1/me", timeout=30).status_code == 401
        sub = str(uuid.uuid4())
        claims = {"sub": sub, "aud": "authenticated", "exp": int(time.time()) + 600}
        token = jwt.encode(claims, secret, algorithm="HS256")
        me = httpx.get(f"{url}/v1/me", headers={"authorization": f"Bearer {token}"}, timeout=30)
        assert me.status_code == 200 and me.json()["user_id"] == sub
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0


def test_up_refuses_a_public_host_without_auth(database_url: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assay.cli.main", "up", "--host", "0.0.0.0"],
        env=_env(database_url, tmp_path / "home"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "refusing to bind 0.0.0.0" in done.stderr


def test_up_refreshes_the_catalog_from_openrouter_and_serves_the_dashboard_config(
    database_url: str, tmp_path: Path
) -> None:
    with FakeOpenRouter(prompt_price=2e-6) as fake:
        models = fake.server.behaviour.models
        env = _env(
            database_url,
            tmp_path / "home",
            OPENROUTER_BASE_URL=fake.base_url,
            OPENROUTER_API_KEY="sk-e2e",
        )
        proc, url = _start(env, tmp_path, "--port", str(_free_port()))
        try:
            refreshed = httpx.post(f"{url}/v1/models/refresh", timeout=30)
            assert refreshed.status_code == 200, refreshed.text
            assert refreshed.json() == {"models": len(models)}
            listed = httpx.get(f"{url}/v1/models", timeout=30).json()
            remote = [m for m in listed["items"] if m["source"] == "openrouter"]
            assert {m["id"] for m in remote} == {f"openrouter:{m}" for m in models}
            assert {m["prompt_price"] for m in remote} == {2e-6}
            config = httpx.get(f"{url}/config.json", timeout=30)
            assert config.status_code == 200 and config.json() == {}
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0


def test_up_serves_the_supabase_project_to_the_dashboard(database_url: str, tmp_path: Path) -> None:
    env = _env(
        database_url,
        tmp_path / "home",
        SUPABASE_URL="http://127.0.0.1:9/",
        SUPABASE_ANON_KEY="anon-public-key",
    )
    proc, url = _start(env, tmp_path, "--port", str(_free_port()))
    try:
        config = httpx.get(f"{url}/config.json", timeout=30)
        assert config.status_code == 200, config.text
        assert config.headers["content-type"] == "application/json"
        assert config.json() == {
            "supabaseUrl": "http://127.0.0.1:9",
            "supabaseAnonKey": "anon-public-key",
        }
        assert httpx.get(f"{url}/v1/me", timeout=30).status_code == 401  # logins are required
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
