"""Bad requests answer a 4xx in the error shape and change nothing, on Lambda and over HTTP."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx
import psycopg
import pytest

from api.conftest import ApiClient, mint_hs256
from assay.http.guards import MAX_BODY_BYTES

KEYS = "/v1/api-keys"

# (name, body, content type, expected status, expected code)
BAD_BODIES: list[tuple[str, bytes, str, int, str]] = [
    ("malformed json", b'{"name": "x"', "application/json", 400, "malformed_json"),
    ("not utf-8", b'{"name": "\xff\xfe"}', "application/json", 400, "invalid_input"),
    ("text body", b"name=x", "text/plain", 415, "unsupported_media_type"),
    ("form body", b"name=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("unknown field", b'{"name": "x", "admin": true}', "application/json", 422, "validation_error"),
    ("wrong type", b'{"name": 7}', "application/json", 422, "validation_error"),
    ("not an object", b"[1, 2]", "application/json", 422, "validation_error"),
    ("empty", b"", "application/json", 422, "validation_error"),
]


def _key_count(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select count(*) from api_keys").fetchone()
    assert row is not None
    return int(row[0])


def _shape(body: Any) -> str:
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return str(body["error"]["code"])


@pytest.mark.parametrize(("name", "body", "ctype", "status", "code"), BAD_BODIES)
def test_bad_bodies_through_lambda(
    api_client: ApiClient,
    database_url: str,
    name: str,
    body: bytes,
    ctype: str,
    status: int,
    code: str,
) -> None:
    # A v2 event carries a text body as text, anything else base64-encoded.
    try:
        sent: str | bytes = body.decode("utf-8")
    except UnicodeDecodeError:
        sent = body
    answer = api_client.post(KEYS, body=sent, headers={"content-type": ctype})
    assert answer.status == status, answer.text
    assert answer.error_code == code
    assert _key_count(database_url) == 0


def test_validation_errors_name_the_field(api_client: ApiClient) -> None:
    answer = api_client.post(KEYS, json_body={"name": "x", "admin": True})
    errors = answer.json()["error"]["details"]["errors"]
    assert {"loc": ["body", "admin"], "type": "extra_forbidden"}.items() <= errors[0].items()
    assert "admin" in answer.json()["error"]["message"]


def test_oversized_body_through_lambda(api_client: ApiClient, database_url: str) -> None:
    big = '{"name": "' + "x" * (MAX_BODY_BYTES + 1) + '"}'
    answer = api_client.post(KEYS, body=big, headers={"content-type": "application/json"})
    assert answer.status == 413 and answer.error_code == "payload_too_large"
    assert _key_count(database_url) == 0


def test_unknown_route_and_wrong_method(api_client: ApiClient) -> None:
    missing = api_client.get("/v1/no-such-thing")
    assert missing.status == 404 and missing.error_code == "not_found"
    wrong = api_client.request("PUT", KEYS)
    assert wrong.status == 405 and wrong.error_code == "method_not_allowed"
    assert wrong.headers["allow"] == "GET, POST"
    wrong_item = api_client.request("PATCH", f"{KEYS}/{uuid.uuid4()}")
    assert wrong_item.status == 405 and wrong_item.headers["allow"] == "DELETE"


def test_bad_path_parameter_is_422(api_client: ApiClient) -> None:
    answer = api_client.delete(f"{KEYS}/not-a-uuid")
    assert answer.status == 422 and answer.error_code == "validation_error"
    assert answer.json()["error"]["details"]["errors"][0]["loc"] == ["path", "key_id"]


def test_unexpected_errors_are_500_without_their_text(
    api_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = api_app()

    @app.get("/v1/boom")
    def boom() -> dict[str, str]:
        raise RuntimeError("secret internals: password=hunter2")

    with caplog.at_level(logging.ERROR, logger="assay.http.app"):
        answer = ApiClient(app).get("/v1/boom")
    assert answer.status == 500 and answer.error_code == "internal_error"
    assert "hunter2" not in answer.text and "RuntimeError" not in answer.text
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in caplog.records)


@pytest.mark.parametrize(("name", "body", "ctype", "status", "code"), BAD_BODIES)
def test_bad_bodies_over_http(
    live_server: Any, database_url: str, name: str, body: bytes, ctype: str, status: int, code: str
) -> None:
    server = live_server()
    headers = {"authorization": f"Bearer {mint_hs256(uuid.uuid4())}", "content-type": ctype}
    answer = httpx.post(f"{server.url}{KEYS}", content=body, headers=headers, timeout=30)
    assert answer.status_code == status, answer.text
    assert _shape(answer.json()) == code
    assert _key_count(database_url) == 0


def test_oversized_and_routing_over_http(live_server: Any, database_url: str) -> None:
    server = live_server()
    headers = {"authorization": f"Bearer {mint_hs256(uuid.uuid4())}"}
    big = b'{"name": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}'
    answer = httpx.post(
        f"{server.url}{KEYS}", content=big, headers=headers | {"content-type": "application/json"}
    )
    assert answer.status_code == 413 and _shape(answer.json()) == "payload_too_large"
    assert _key_count(database_url) == 0
    assert httpx.get(f"{server.url}/v1/nope", headers=headers).status_code == 404
    wrong = httpx.put(f"{server.url}/v1/me", headers=headers)
    assert wrong.status_code == 405 and _shape(wrong.json()) == "method_not_allowed"
    assert httpx.get(f"{server.url}/v1/me").status_code == 401
