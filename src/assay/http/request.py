"""What a route knows about its request: who asks, in which workspace, on which connection."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router

Actor = Literal["user", "api_key", "local"]

SCOPE_KEY = "assay_scope"


@dataclass(frozen=True)
class RequestScope:
    """Set by the auth middleware before any route runs.

    `conn` is a psycopg connection inside a transaction that acts as role `authenticated` with
    the caller's JWT claims, so Row Level Security decides what every query sees; the
    middleware commits it when the route answers < 400 and rolls it back otherwise.
    """

    conn: Any
    workspace_id: uuid.UUID
    user_id: uuid.UUID
    actor: Actor
    services: Any  # the ApiServices of the app (launcher, model catalog, settings)
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def on_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once the request's transaction has committed (e.g. start a run)."""
        self.after_commit.append(action)


def scope_of(router: Router) -> RequestScope:
    """The current request's scope, from the resolver context the middleware filled."""
    scope = router.context.get(SCOPE_KEY)
    if not isinstance(scope, RequestScope):
        raise RuntimeError("no request scope: the auth middleware did not run")
    return scope
