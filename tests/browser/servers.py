"""Local servers the browser tests drive: `assay up` as a subprocess and a Supabase Auth stub."""

from __future__ import annotations

import json
import queue
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt

START_TIMEOUT_S = 60.0


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AssayUp:
    """`assay up --port N` in a subprocess; `url` once it has printed its start line."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log_path.open("w")
        self._lines: queue.Queue[str] = queue.Queue()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assay.cli.main", "up", "--port", str(self.port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)

    def wait_ready(self) -> None:
        """Blocks until the start line; raises with the server's stderr if it never comes."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if "Assay is up" in self._lines.get(timeout=0.5):
                    return
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
        self.stop()
        raise RuntimeError(f"assay up did not start; its log: {Path(self._log.name).read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._log.close()


class SupabaseAuthStub:
    """Answers Supabase Auth's password grant with an HS256 access token for one user."""

    def __init__(self, secret: str, email: str, password: str) -> None:
        self.user_id = str(uuid.uuid4())
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                return

            def _cors(self) -> None:
                # The dashboard calls Supabase from another origin, as it would in production.
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header(
                    "Access-Control-Allow-Headers", "content-type, apikey, authorization"
                )
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")

            def do_OPTIONS(self) -> None:
                self.send_response(204)
                self._cors()
                self.end_headers()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.startswith("/auth/v1/token") and body == {
                    "email": email,
                    "password": password,
                }:
                    status, answer = 200, stub.session(email)
                else:
                    status = 400
                    answer = {
                        "error": "invalid_grant",
                        "error_description": "Invalid login credentials",
                    }
                data = json.dumps(answer).encode()
                self.send_response(status)
                self._cors()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.secret = secret
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def session(self, email: str) -> dict[str, Any]:
        """What Supabase answers a successful sign-in with (the fields the dashboard reads)."""
        now = int(time.time())
        claims = {
            "sub": self.user_id,
            "aud": "authenticated",
            "role": "authenticated",
            "email": email,
            "iat": now,
            "exp": now + 3600,
        }
        token = jwt.encode(claims, self.secret, algorithm="HS256")
        return {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": 3600,
            "refresh_token": "unused",
            "user": {"id": self.user_id, "email": email},
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
