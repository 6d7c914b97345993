"""The real Lambda entry point: services from the environment, API Gateway v2 events in."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from services.api import handler

from api.conftest import JWT_SECRET, mint_hs256, v2_event
from assay.settings import load_settings


@pytest.fixture
def lambda_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("SUPABASE_URL", "STATE_MACHINE_ARN", "DATABASE_URL_SECRET_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SUPABASE_JWT_SECRET", JWT_SECRET)
    load_settings.cache_clear()
    handler.application.cache_clear()
    yield
    # The container's connection is left open, as in Lambda; dropping the database ends it.
    handler.application.cache_clear()
    load_settings.cache_clear()


def test_lambda_handler_answers_v2_events(lambda_env: None) -> None:
    user = uuid.uuid4()
    headers = {"authorization": f"Bearer {mint_hs256(user)}"}
    answer = handler.lambda_handler(v2_event("GET", "/v1/me", headers=headers), None)
    assert answer["statusCode"] == 200, answer["body"]
    assert json.loads(answer["body"])["user_id"] == str(user)
    # Warm container: the same app and the same connection serve the next event.
    again = handler.lambda_handler(v2_event("GET", "/v1/workspaces", headers=headers), None)
    assert again["statusCode"] == 200
    assert handler.application.cache_info().misses == 1
    refused = handler.lambda_handler(v2_event("GET", "/v1/me"), None)
    assert refused["statusCode"] == 401
    assert json.loads(refused["body"])["error"]["code"] == "unauthorized"
