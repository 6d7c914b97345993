"""The auth middleware: who calls, in which workspace, inside one RLS transaction per request.

Each protected request takes a connection, opens a transaction, becomes role `authenticated`
with the caller's claims (so Row Level Security decides every row a route sees), fills the
`RequestScope`, runs the route, commits when it answered < 400 and rolls back otherwise, and
only then runs the scope's `after_commit` actions.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg

from assay.adapters.postgres import workspaces as sql
from assay.domain.errors import Forbidden, InvalidInput
from assay.http.errors import Unauthorized
from assay.http.jwt_verify import claims_for_database
from assay.http.request import SCOPE_KEY, Actor, RequestScope
from assay.http.services import ApiServices
from assay.usecases.api_keys import hash_key, looks_like_key, well_formed
from assay.usecases.runs import LOCAL_WORKSPACE_ID

log = logging.getLogger(__name__)

LOCAL_USER_ID = uuid.UUID("00000000-0000-4000-8000-0000000000a1")
WORKSPACE_HEADER = "X-Assay-Workspace"
KEY_HEADER = "X-Assay-Key"

Middleware = Callable[[Any, Callable[[Any], Any]], Any]


@dataclass(frozen=True)
class Credential:
    """What the request presented, checked as far as possible without the database."""

    actor: Actor
    user_id: uuid.UUID | None = None
    claims: dict[str, Any] | None = None
    api_key: str | None = None


def present_credential(headers: Mapping[str, str], services: ApiServices) -> Credential:
    """The caller's credential; Unauthorized when missing or malformed (JWTs fully verified)."""
    if services.verifier is None:
        return Credential(actor="local", user_id=LOCAL_USER_ID, claims={})
    token = headers.get(KEY_HEADER)
    if not token:
        scheme, _, value = (headers.get("Authorization") or "").strip().partition(" ")
        token = value.strip() if scheme.lower() == "bearer" else ""
    if not token:
        raise Unauthorized(
            "missing credentials: send 'Authorization: Bearer <token or API key>' "
            f"or '{KEY_HEADER}: <API key>'"
        )
    if looks_like_key(token):
        if not well_formed(token):
            raise Unauthorized("the API key is invalid or revoked")
        return Credential(actor="api_key", api_key=token)
    user = services.verifier.verify(token)
    return Credential(actor="user", user_id=user.user_id, claims=claims_for_database(user))


def requested_workspace(headers: Mapping[str, str]) -> uuid.UUID | None:
    """The workspace named by X-Assay-Workspace, if any."""
    raw = headers.get(WORKSPACE_HEADER)
    if raw is None:
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError as exc:
        raise InvalidInput(
            f"{WORKSPACE_HEADER} must be a workspace id (a UUID)",
            details={"header": WORKSPACE_HEADER},
        ) from exc


def open_scope(
    conn: psycopg.Connection[Any],
    credential: Credential,
    wanted: uuid.UUID | None,
    services: ApiServices,
) -> RequestScope:
    """Inside the request's transaction: act as the caller and settle the workspace."""
    key_workspace: uuid.UUID | None = None
    if credential.actor == "api_key":
        assert credential.api_key is not None
        sql.act_as_authenticated(conn, {"role": "authenticated"})
        principal = sql.api_key_principal(conn, hash_key(credential.api_key))
        if principal is None:
            raise Unauthorized("the API key is invalid or revoked")
        user_id, key_workspace = principal.user_id, principal.workspace_id
        claims: dict[str, Any] = {
            "sub": str(user_id),
            "role": "authenticated",
            "assay_workspace_id": str(key_workspace),
            "assay_api_key_id": str(principal.key_id),
        }
    else:
        assert credential.user_id is not None
        user_id = credential.user_id
        claims = (credential.claims or {}) | {"sub": str(user_id), "role": "authenticated"}
    sql.act_as_authenticated(conn, claims)
    if wanted is not None:
        if not sql.is_member(conn, wanted):
            raise Forbidden(
                "you are not a member of the workspace named by " + WORKSPACE_HEADER,
                details={"header": WORKSPACE_HEADER, "workspace_id": str(wanted)},
            )
        workspace_id = wanted
    elif key_workspace is not None:
        workspace_id = key_workspace
    elif credential.actor == "local":
        workspace_id = LOCAL_WORKSPACE_ID
    else:
        workspace_id = sql.personal_workspace(conn)
    return RequestScope(
        conn=conn,
        workspace_id=workspace_id,
        user_id=user_id,
        actor=credential.actor,
        services=services,
    )


def auth_middleware(
    services: ApiServices, *, protected: Callable[[Any], bool], routers: list[Any]
) -> Middleware:
    """The global middleware; `protected(route)` says whether a matched route needs a caller."""
    local_ready = threading.Event()
    local_lock = threading.Lock()

    def ensure_local(conn: psycopg.Connection[Any]) -> None:
        # Once per process, as the connecting (owner) role, before the request's role switch.
        if local_ready.is_set():
            return
        with local_lock:
            if not local_ready.is_set():
                sql.ensure_local_workspace(conn, LOCAL_WORKSPACE_ID, LOCAL_USER_ID)
                local_ready.set()

    def authenticate(app: Any, next_middleware: Callable[[Any], Any]) -> Any:
        route = app.context.get("_route")
        if route is None or not protected(route):
            return next_middleware(app)
        headers = app.current_event.headers
        credential = present_credential(headers, services)
        wanted = requested_workspace(headers)
        # Routers answer through the resolver that included them last; point them at this one.
        for router in routers:
            router.api_resolver = app
        committed = False
        with services.db.connection() as conn:
            if credential.actor == "local":
                ensure_local(conn)
            with conn.transaction():
                scope = open_scope(conn, credential, wanted, services)
                app.context[SCOPE_KEY] = scope
                try:
                    response = next_middleware(app)
                finally:
                    app.context.pop(SCOPE_KEY, None)
                if response.status_code >= 400:
                    raise psycopg.Rollback()
                committed = True
        if committed:
            for action in scope.after_commit:
                try:
                    action()
                except Exception:
                    # The change is committed; a failed follow-up must not turn it into a 500.
                    log.exception("after-commit action failed")
        return response

    return authenticate
