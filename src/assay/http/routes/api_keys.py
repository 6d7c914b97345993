"""Routes under /v1 for API keys: create (the key is shown once), list, revoke."""

from __future__ import annotations

import uuid
from datetime import datetime

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, Field

from assay.adapters.postgres.api_keys import PostgresApiKeys
from assay.http.openapi import ApiModel
from assay.http.request import scope_of
from assay.usecases import api_keys
from assay.usecases.api_keys import ApiKeyRecord

router = Router()  # type: ignore[no-untyped-call]


class ApiKeyCreate(ApiModel):
    """A key to mint in the current workspace."""

    name: str = Field(min_length=1, max_length=200, description="What the key is for")


class ApiKeyOut(BaseModel):
    """A stored key: its prefix identifies it; the secret is never shown again."""

    id: uuid.UUID
    workspace_id: uuid.UUID
    name: str
    prefix: str
    created_by: uuid.UUID | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    """A new key, with the secret `key` shown this once."""

    key: str = Field(description="ak_<prefix>_<secret>: store it now, it cannot be shown again")


class ApiKeyList(BaseModel):
    """The keys of the current workspace."""

    items: list[ApiKeyOut]


def _out(record: ApiKeyRecord) -> ApiKeyOut:
    return ApiKeyOut(**record.__dict__)


@router.post("/api-keys", status_code=201, summary="Create an API key", tags=["api keys"])
def create_api_key(body: ApiKeyCreate) -> ApiKeyCreated:
    scope = scope_of(router)
    created = api_keys.create_key(
        PostgresApiKeys(scope.conn),
        workspace_id=scope.workspace_id,
        user_id=scope.user_id,
        name=body.name,
        by_key=scope.actor == "api_key",
    )
    return ApiKeyCreated(**created.record.__dict__, key=created.secret)


@router.get("/api-keys", summary="List the workspace's API keys", tags=["api keys"])
def list_api_keys() -> ApiKeyList:
    scope = scope_of(router)
    return ApiKeyList(items=[_out(r) for r in PostgresApiKeys(scope.conn).list(scope.workspace_id)])


@router.delete("/api-keys/<key_id>", summary="Revoke an API key (idempotent)", tags=["api keys"])
def revoke_api_key(key_id: uuid.UUID) -> ApiKeyOut:
    scope = scope_of(router)
    record = api_keys.revoke_key(
        PostgresApiKeys(scope.conn), workspace_id=scope.workspace_id, key_id=key_id
    )
    return _out(record)
