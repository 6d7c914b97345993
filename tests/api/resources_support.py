"""A minimal app around the resource routers (auth stand-in: a header names the user).

Only `bench/api_bench.py` uses it now, to time the routes without token checks; the tests run
the resource routes in the platform's real app (`platform_world.py`).
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import psycopg
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from assay.domain.errors import AssayError
from assay.http.errors import error_response, from_assay_error
from assay.http.request import SCOPE_KEY, RequestScope
from assay.http.routes import models, prompts, runs, test_sets

USER_HEADER = "x-test-user"


@dataclass(frozen=True)
class Tenant:
    """A user with a personal workspace."""

    user_id: uuid.UUID
    workspace_id: uuid.UUID


@dataclass
class FakeLauncher:
    """Records starts and stops (the test drives the engine itself)."""

    started: list[uuid.UUID] = field(default_factory=list)
    stopped: list[uuid.UUID] = field(default_factory=list)

    def start(self, run_id: uuid.UUID) -> None:
        self.started.append(run_id)

    def stop(self, run_id: uuid.UUID) -> None:
        self.stopped.append(run_id)


class FakeServices(SimpleNamespace):
    """A stand-in for ApiServices: sync start_run/stop_run over a recording launcher."""

    def start_run(self, run_id: uuid.UUID) -> None:
        self.launcher.start(run_id)

    def stop_run(self, run_id: uuid.UUID, reason: str) -> None:
        self.launcher.stop(run_id)


def make_tenant(database_url: str, name: str) -> Tenant:
    """A user and their workspace, created as the database owner."""
    tenant = Tenant(uuid.uuid4(), uuid.uuid4())
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "insert into workspaces (id, name, owner_id, personal) values (%s, %s, %s, true)",
            (tenant.workspace_id, name, tenant.user_id),
        )
        conn.execute(
            "insert into members (workspace_id, user_id, role) values (%s, %s, 'owner')",
            (tenant.workspace_id, tenant.user_id),
        )
    return tenant


def build_test_app(
    database_url: str, tenants: dict[str, Tenant], services: Any, pool: Any = None
) -> APIGatewayHttpResolver:
    """The resolver with the four resource routers under /v1 and a header-based auth stand-in."""
    app = APIGatewayHttpResolver(enable_validation=True)
    for module in (test_sets, prompts, models, runs):
        app.include_router(module.router, prefix="/v1")

    def authenticate(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
        tenant = tenants.get(app.current_event.headers.get(USER_HEADER) or "")
        if tenant is None:
            return error_response(401, "unauthorized", "no such test user")
        conn = pool.getconn() if pool else psycopg.connect(database_url, prepare_threshold=None)
        try:
            conn.execute("set local role authenticated")
            claims = {"sub": str(tenant.user_id), "role": "authenticated"}
            conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
            scope = RequestScope(conn, tenant.workspace_id, tenant.user_id, "user", services)
            app.append_context(**{SCOPE_KEY: scope})
            response = next_middleware(app)
            if response.status_code < 400:
                conn.commit()
                for action in scope.after_commit:
                    action()
            else:
                conn.rollback()
            return response
        except BaseException:
            conn.rollback()
            raise
        finally:
            if pool:
                pool.putconn(conn)
            else:
                conn.close()

    app.use(middlewares=[authenticate])

    @app.exception_handler(AssayError)
    def _assay(exc: AssayError) -> Response[str]:
        return from_assay_error(exc)

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response[str]:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        return error_response(422, "invalid_request", "the request is invalid", {"errors": errors})

    return app


def services(**kw: Any) -> FakeServices:
    """A stand-in for ApiServices."""
    return FakeServices(launcher=kw.pop("launcher", FakeLauncher()), **kw)


def event(
    method: str,
    path: str,
    *,
    user: str | None,
    body: Any = None,
    raw: str | bytes | None = None,
    content_type: str | None = None,
    query: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API (v2) event."""
    headers = {"host": "api.test"}
    if user:
        headers[USER_HEADER] = user
    text: str | None = None
    b64 = False
    if body is not None:
        text = json.dumps(body)
        headers["content-type"] = "application/json"
    if raw is not None:
        if isinstance(raw, bytes):
            text, b64 = base64.b64encode(raw).decode(), True
        else:
            text = raw
    if content_type:
        headers["content-type"] = content_type
    query = {k: v for k, v in (query or {}).items() if v is not None}
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": urlencode(query),
        "queryStringParameters": {k: str(v) for k, v in query.items()} or None,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.test",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "pytest",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 0,
        },
        "body": text,
        "isBase64Encoded": b64,
    }


@dataclass
class Answer:
    """What the API said."""

    status: int
    body: str
    headers: dict[str, Any]

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def error_code(self) -> str:
        return str(self.json["error"]["code"])


class Client:
    """Sends API Gateway v2 events to the resolver as one user."""

    def __init__(self, app: APIGatewayHttpResolver, user: str | None) -> None:
        self.app = app
        self.user = user

    def __call__(self, method: str, path: str, **kw: Any) -> Answer:
        out = self.app.resolve(event(method, path, user=self.user, **kw), SimpleNamespace())
        body = out.get("body") or ""
        if out.get("isBase64Encoded"):
            body = base64.b64decode(body).decode()
        return Answer(out["statusCode"], body, out.get("headers") or {})

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
