"""Routes under /v1 for the caller and their workspaces."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, Field

from assay.adapters.postgres import workspaces as sql
from assay.http.request import scope_of

router = Router()  # type: ignore[no-untyped-call]


class WorkspaceOut(BaseModel):
    """A workspace the caller belongs to."""

    id: uuid.UUID
    name: str
    personal: bool
    role: str
    created_at: datetime


class MeOut(BaseModel):
    """Who the API takes the caller for, and where they act."""

    user_id: uuid.UUID
    actor: Literal["user", "api_key", "local"]
    workspace_id: uuid.UUID
    workspaces: list[WorkspaceOut]
    openrouter_key: Literal["configured", "missing"] = Field(
        description="Whether this deployment has an OpenRouter key for `openrouter:` models "
        "(never the key itself); without one only `local:` models can run"
    )


class WorkspaceList(BaseModel):
    """The caller's workspaces."""

    items: list[WorkspaceOut]


def _workspaces() -> list[WorkspaceOut]:
    scope = scope_of(router)
    return [
        WorkspaceOut(
            id=m.workspace_id,
            name=m.name,
            personal=m.personal,
            role=m.role,
            created_at=m.created_at,
        )
        for m in sql.memberships(scope.conn, scope.user_id)
    ]


@router.get(
    "/me", summary="The caller, their current workspace and memberships", tags=["workspaces"]
)
def get_me() -> MeOut:
    scope = scope_of(router)
    return MeOut(
        user_id=scope.user_id,
        actor=scope.actor,
        workspace_id=scope.workspace_id,
        workspaces=_workspaces(),
        openrouter_key="configured" if scope.services.has_openrouter_key else "missing",
    )


@router.get("/workspaces", summary="The workspaces the caller belongs to", tags=["workspaces"])
def list_workspaces() -> WorkspaceList:
    return WorkspaceList(items=_workspaces())
