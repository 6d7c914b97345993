"""API keys: minted once, stored only as a hash, scoped to one workspace, revocable."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from assay.domain.errors import Forbidden, InvalidInput, NotFound

KEY_PREFIX = "ak_"
# ak_<8 hex>_<43 url-safe base64 chars: 256 random bits>
_KEY_SHAPE = re.compile(r"^ak_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class ApiKeyRecord:
    """What is stored about a key: never the key itself."""

    id: uuid.UUID
    workspace_id: uuid.UUID
    name: str
    prefix: str
    created_by: uuid.UUID | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewApiKey:
    """A freshly minted key: `secret` is shown to its creator once and never again."""

    record: ApiKeyRecord
    secret: str


class ApiKeyStore(Protocol):
    """Where keys live; every call acts in the caller's RLS session."""

    def insert(
        self,
        *,
        workspace_id: uuid.UUID,
        name: str,
        prefix: str,
        key_hash: str,
        created_by: uuid.UUID,
    ) -> ApiKeyRecord: ...

    def list(self, workspace_id: uuid.UUID) -> list[ApiKeyRecord]: ...

    def revoke(self, workspace_id: uuid.UUID, key_id: uuid.UUID) -> ApiKeyRecord | None: ...


def hash_key(key: str) -> str:
    """The stored form of a key: SHA-256 is enough for 256 random bits (no brute force)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def looks_like_key(token: str) -> bool:
    """Whether a bearer token is an Assay API key rather than a JWT."""
    return token.startswith(KEY_PREFIX)


def well_formed(key: str) -> bool:
    """Whether `key` has the shape of a key this module mints."""
    return _KEY_SHAPE.match(key) is not None


def mint() -> tuple[str, str]:
    """A new key and its public prefix."""
    prefix = secrets.token_hex(4)
    return f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix


def create_key(
    store: ApiKeyStore, *, workspace_id: uuid.UUID, user_id: uuid.UUID, name: str, by_key: bool
) -> NewApiKey:
    """Mint and store a key in `workspace_id`; a key may not mint further keys."""
    if by_key:
        raise Forbidden("API keys cannot create API keys; sign in as a user")
    name = name.strip()
    if not name:
        raise InvalidInput("name must not be blank", details={"field": "name"})
    secret, prefix = mint()
    record = store.insert(
        workspace_id=workspace_id,
        name=name,
        prefix=prefix,
        key_hash=hash_key(secret),
        created_by=user_id,
    )
    return NewApiKey(record=record, secret=secret)


def revoke_key(store: ApiKeyStore, *, workspace_id: uuid.UUID, key_id: uuid.UUID) -> ApiKeyRecord:
    """Revoke a key; revoking it again changes nothing and answers the same record."""
    record = store.revoke(workspace_id, key_id)
    if record is None:
        raise NotFound(f"API key {key_id} not found", details={"api_key_id": str(key_id)})
    return record
