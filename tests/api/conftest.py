"""API fixtures: the app over a fresh database, API Gateway v2 events, tokens, a live server.

Public fixtures for every API test module:
- `api_app(**options)`  build an app (default: HS256 auth) over the test's database
- `api_client`          one authenticated user (HS256) calling through `app.resolve`
- `two_clients`         users A and B, each in their own personal workspace
- `local_client`        local single-user mode (no Supabase settings)
- `live_server`         the `assay up` origin (uvicorn in a thread) on 127.0.0.1; `.url`
- `make_world`          users alice and bob on one app, once through Lambda events and once
                        over HTTP (`platform_world.World`)
- `jwks_issuer`         a local JWKS endpoint with an ES256 and an RS256 key; `.mint(...)`
"""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
import uvicorn

from api.jwks_server import JwksIssuer
from assay.http.app import build_app
from assay.http.asgi import LocalOrigin
from assay.http.jwt_verify import TokenVerifier
from assay.http.services import ApiServices, PooledConnections
from assay.settings import Settings

JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"


def mint_hs256(
    sub: uuid.UUID | str,
    *,
    secret: str = JWT_SECRET,
    expires_in: int = 3600,
    aud: str = "authenticated",
    **extra: Any,
) -> str:
    """A Supabase-like HS256 access token."""
    now = int(time.time())
    claims = {"sub": str(sub), "aud": aud, "role": "authenticated", "iat": now}
    claims["exp"] = now + expires_in
    return jwt.encode(claims | extra, secret, algorithm="HS256")


def v2_event(
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: str | bytes | None = None,
    query: str = "",
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, as the Lambda receives it."""
    binary = isinstance(body, bytes)
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {k.lower(): v for k, v in (headers or {}).items()},
        "queryStringParameters": dict(
            part.split("=", 1) for part in query.split("&") if "=" in part
        )
        or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.test",
            "domainPrefix": "api",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "pytest",
            },
            "requestId": uuid.uuid4().hex,
            "routeKey": "$default",
            "stage": "$default",
            "time": "27/Nov/2026:00:00:00 +0000",
            "timeEpoch": 0,
        },
        "body": base64.b64encode(body).decode() if binary else body,
        "isBase64Encoded": binary,
    }


@dataclass
class Answer:
    """An HTTP answer: status, lower-cased headers, body text."""

    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def error_code(self) -> str:
        body = self.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
        return str(body["error"]["code"])


@dataclass
class ApiClient:
    """Calls the app through `resolve` with v2 events, as API Gateway would."""

    app: Any
    headers: dict[str, str] = field(default_factory=dict)
    user_id: uuid.UUID | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        query: str = "",
    ) -> Answer:
        sent = dict(self.headers)
        if json_body is not None:
            body = json.dumps(json_body)
            sent["content-type"] = "application/json"
        sent.update(headers or {})
        raw = self.app.resolve(v2_event(method, path, headers=sent, body=body, query=query), None)
        text = raw.get("body") or ""
        if raw.get("isBase64Encoded"):
            text = base64.b64decode(text).decode()
        return Answer(raw["statusCode"], {k.lower(): v for k, v in raw["headers"].items()}, text)

    def get(self, path: str, **kw: Any) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Answer:
        return self.request("POST", path, **kw)

    def delete(self, path: str, **kw: Any) -> Answer:
        return self.request("DELETE", path, **kw)

    def as_user(self, user_id: uuid.UUID, **claims: Any) -> ApiClient:
        """A client of the same app for another HS256 user."""
        token = mint_hs256(user_id, **claims)
        return ApiClient(self.app, {"authorization": f"Bearer {token}"}, user_id)

    def with_headers(self, **headers: str) -> ApiClient:
        """The same caller with extra headers (names with '_' become '-')."""
        extra = {k.replace("_", "-"): v for k, v in headers.items()}
        return ApiClient(self.app, self.headers | extra, self.user_id)


class RecordingLauncher:
    """A working in-memory RunLauncher: remembers what was started and stopped."""

    def __init__(self) -> None:
        self.started: list[uuid.UUID] = []
        self.stopped: list[tuple[uuid.UUID, str]] = []

    async def start(self, run_id: uuid.UUID) -> str:
        self.started.append(run_id)
        return f"recorded:{run_id}"

    async def stop(self, run_id: uuid.UUID, reason: str) -> None:
        self.stopped.append((run_id, reason))


def make_services(
    database_url: str, *, verifier: TokenVerifier | None, launcher: Any = None
) -> ApiServices:
    """Services over a pool on `database_url`; the caller closes `services.db`."""
    db = PooledConnections(database_url, max_size=8)
    db.open()
    return ApiServices(
        db=db,
        settings=Settings(database_url=database_url),
        launcher=launcher or RecordingLauncher(),
        verifier=verifier,
    )


@pytest.fixture
def api_app(database_url: str) -> Iterator[Callable[..., Any]]:
    """Build apps over this test's database: `api_app(verifier=..., local=False)`."""
    opened: list[ApiServices] = []

    def build(
        *,
        verifier: TokenVerifier | str | None = "hs256",
        local: bool = False,
        launcher: Any = None,
    ) -> Any:
        chosen = (
            TokenVerifier(supabase_url=None, jwt_secret=JWT_SECRET)
            if verifier == "hs256"
            else verifier
        )
        assert not isinstance(chosen, str)
        services = make_services(database_url, verifier=chosen, launcher=launcher)
        opened.append(services)
        app = build_app(services, local=local)
        app.services = services  # tests reach the launcher and pool through the app
        return app

    yield build
    for services in opened:
        services.db.close()  # type: ignore[attr-defined]


@pytest.fixture
def api_client(api_app: Callable[..., Any]) -> ApiClient:
    """One authenticated HS256 user."""
    return ApiClient(api_app()).as_user(uuid.uuid4(), email="a@example.test")


@pytest.fixture
def two_clients(api_app: Callable[..., Any]) -> tuple[ApiClient, ApiClient]:
    """Users A and B (HS256 tokens), over one app; each acts in their own personal workspace."""
    client = ApiClient(api_app())
    return client.as_user(uuid.uuid4()), client.as_user(uuid.uuid4())


@pytest.fixture
def local_client(api_app: Callable[..., Any]) -> ApiClient:
    """Local single-user mode: no credentials needed."""
    return ApiClient(api_app(verifier=None))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A running `assay up` origin."""

    url: str
    app: Any


@pytest.fixture
def live_server(api_app: Callable[..., Any], tmp_path: Any) -> Iterator[Callable[..., LiveServer]]:
    """Start uvicorn on 127.0.0.1 in a thread: `live_server(verifier=..., static_root=...)`."""
    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(
        *, verifier: Any = "hs256", static_root: Any = None, launcher: Any = None
    ) -> LiveServer:
        app = api_app(verifier=verifier, local=True, launcher=launcher)
        port = free_port()
        config = uvicorn.Config(
            LocalOrigin(app, static_root=static_root),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            assert thread.is_alive(), "uvicorn exited at start-up"
            time.sleep(0.02)
        running.append((server, thread))
        return LiveServer(f"http://127.0.0.1:{port}", app)

    yield start
    for server, thread in running:
        server.should_exit = True
        thread.join(20)


@pytest.fixture(params=["lambda", "http"])
def make_world(
    request: pytest.FixtureRequest,
    database_url: str,
    api_app: Callable[..., Any],
    live_server: Callable[..., LiveServer],
) -> Iterator[Callable[..., Any]]:
    """`make_world(users=None, **services)`: a World on the real app, per transport."""
    from api import platform_world as pw  # it imports this module's helpers

    opened: list[pw.HttpTransport] = []

    def make(*, users: dict[str, uuid.UUID] | None = None, **service_kw: Any) -> pw.World:
        transport: pw.Transport
        if request.param == "lambda":
            app = api_app(launcher=RecordingLauncher())
            transport = pw.LambdaTransport(app)
        else:
            server = live_server(launcher=RecordingLauncher())
            app, transport = server.app, pw.HttpTransport(server.url)
            opened.append(transport)
        return pw.world_on(database_url, request.param, app, transport, users, **service_kw)

    yield make
    for transport in opened:
        transport.http.close()


@pytest.fixture
def jwks_issuer() -> Iterator[JwksIssuer]:
    """A Supabase-like project at `issuer.url` publishing an ES256 and an RS256 key."""
    issuer = JwksIssuer()
    issuer.start()
    yield issuer
    issuer.stop()
