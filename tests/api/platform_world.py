"""Resource tests' world on the platform's real app: JWT auth, RLS transactions, a launcher.

`World` holds users alice and bob (HS256 tokens; each acts in their own personal workspace)
and an anonymous caller, all on one app reached through one transport:
- "lambda": API Gateway v2 events through `app.resolve`, as the Lambda receives them;
- "http": real HTTP to the `assay up` origin (uvicorn on 127.0.0.1).
The `make_world` fixture (conftest) runs each test once per transport.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
import psycopg

from api.conftest import RecordingLauncher, mint_hs256, v2_event


@dataclass
class Answer:
    """What the API said; `headers` are case-insensitive."""

    status: int
    body: str
    headers: httpx.Headers

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error_code(self) -> str:
        return str(self.json["error"]["code"])


class Transport(Protocol):
    """Sends one request to the app."""

    def send(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None,
        query: dict[str, str],
    ) -> Answer: ...  # fmt: skip


class LambdaTransport:
    """API Gateway HTTP API (payload 2.0) events through the resolver."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def send(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None,
        query: dict[str, str],
    ) -> Answer:  # fmt: skip
        text: str | bytes | None = body
        if body is not None:
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = body  # sent base64-encoded, as API Gateway does with binary bodies
        event = v2_event(method, path, headers=headers, body=text, query=urlencode(query))
        event["queryStringParameters"] = dict(query) or None  # API Gateway decodes values
        out = self.app.resolve(event, None)
        raw = out.get("body") or ""
        if out.get("isBase64Encoded"):
            raw = base64.b64decode(raw).decode()
        return Answer(out["statusCode"], raw, httpx.Headers(out.get("headers") or {}))


class HttpTransport:
    """Real HTTP to a local origin."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)

    def send(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None,
        query: dict[str, str],
    ) -> Answer:  # fmt: skip
        answer = self.http.request(method, path, headers=headers, content=body, params=query)
        return Answer(answer.status_code, answer.text, answer.headers)


class Client:
    """One caller: `get/post/patch/put/delete(path, body=JSON, raw=text, content_type, query)`."""

    def __init__(self, transport: Transport, user_id: uuid.UUID | None) -> None:
        self.transport = transport
        self.user_id = user_id

    def __call__(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        raw: str | bytes | None = None,
        content_type: str | None = None,
        query: Mapping[str, Any] | None = None,
    ) -> Answer:
        headers: dict[str, str] = {}
        if self.user_id is not None:
            headers["authorization"] = f"Bearer {mint_hs256(self.user_id)}"
        data: bytes | None = None
        if body is not None:
            data, headers["content-type"] = json.dumps(body).encode(), "application/json"
        if raw is not None:
            data = raw.encode() if isinstance(raw, str) else raw
        if content_type:
            headers["content-type"] = content_type
        params = {k: str(v) for k, v in (query or {}).items() if v is not None}
        return self.transport.send(method, path, headers, data, params)

    def get(self, path: str, **kw: Any) -> Answer:
        return self("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Answer:
        return self("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> Answer:
        return self("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> Answer:
        return self("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> Answer:
        return self("DELETE", path, **kw)


@dataclass
class World:
    """Two users with clients, an anonymous caller, and the app's services."""

    database_url: str
    transport: str
    services: Any
    users: dict[str, uuid.UUID]
    alice: Client
    bob: Client
    anonymous: Client


def world_on(
    database_url: str, kind: str, app: Any, transport: Transport,
    users: dict[str, uuid.UUID] | None = None, **service_kw: Any,
) -> World:  # fmt: skip
    """A world on `app` (built by the `api_app` fixture); `service_kw` replace its services."""
    for name, value in service_kw.items():
        setattr(app.services, name, value)
    users = dict(users or {"alice": uuid.uuid4(), "bob": uuid.uuid4()})
    return World(
        database_url, kind, app.services, users,
        Client(transport, users["alice"]), Client(transport, users["bob"]),
        Client(transport, None),
    )  # fmt: skip


def count(database_url: str, table: str) -> int:
    """Rows in a table, seen by the database owner."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(f"select count(*) from {table}").fetchone()
    assert row is not None
    return int(row[0])


def seed_suite(
    client: Any, cases: list[dict[str, Any]], *, template: str = "{{ word }}", name: str = "suite"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A test set and a prompt through the API; their JSON."""
    test_set = client.post("/v1/test-sets", body={"name": name, "cases": cases})
    assert test_set.status == 201, test_set.body
    prompt = client.post("/v1/prompts", body={"name": f"{name}-prompt", "text": template})
    assert prompt.status == 201, prompt.body
    return test_set.json, prompt.json


def start_run(
    client: Any,
    test_set: dict[str, Any],
    prompt_version_ids: list[str],
    models: list[dict[str, Any]],
    **extra: Any,
) -> dict[str, Any]:
    """POST /v1/runs; the run's JSON."""
    answer = client.post(
        "/v1/runs",
        body={
            "test_set_id": test_set["id"],
            "prompt_version_ids": prompt_version_ids,
            "models": models,
            **extra,
        },
    )
    assert answer.status == 201, answer.body
    return dict(answer.json)


async def execute(database_url: str, run_id: str) -> Any:
    """Run a stored run with the local engine, as `assay up`'s launcher would."""
    from integration.engine_support import engine, options

    async with engine(database_url) as eng:
        return await eng.runner.execute(uuid.UUID(run_id), options())


async def two_by_two_run(
    world: World, cases: list[dict[str, Any]], repeats: int = 1
) -> dict[str, Any]:
    """Two prompt versions × local:echo and local:upper over `cases`, executed; the run's JSON."""
    test_set, prompt = seed_suite(world.alice, cases)
    v1 = prompt["latest_version"]["id"]
    v2 = world.alice.post(
        f"/v1/prompts/{prompt['id']}/versions", body={"text": "{{ word }}!"}
    ).json["version"]["id"]
    models = [{"id": "local:echo"}, {"id": "local:upper"}]
    run = start_run(world.alice, test_set, [v1, v2], models, repeats=repeats)
    await execute(world.database_url, run["id"])
    return run


__all__ = ["Answer", "Client", "RecordingLauncher", "World", "count", "execute", "seed_suite"]
