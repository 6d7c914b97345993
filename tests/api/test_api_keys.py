"""API keys: shown once, stored hashed, listed without secrets, revoked idempotently, per user."""

from __future__ import annotations

import hashlib
import uuid

import psycopg

from api.conftest import ApiClient


def test_create_shows_the_key_once_and_stores_only_its_hash(
    api_client: ApiClient, database_url: str
) -> None:
    answer = api_client.post("/v1/api-keys", json_body={"name": "  nightly ci  "})
    assert answer.status == 201, answer.text
    created = answer.json()
    key = created["key"]
    assert key.startswith(f"ak_{created['prefix']}_") and len(key) == 3 + 8 + 1 + 43
    assert created["name"] == "nightly ci"
    assert created["created_by"] == str(api_client.user_id)
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "select key_hash, prefix from api_keys where id = %s", (created["id"],)
        ).fetchone()
    assert row == (hashlib.sha256(key.encode()).hexdigest(), created["prefix"])
    listed = api_client.get("/v1/api-keys").json()["items"]
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0] and "key_hash" not in listed[0]
    assert key not in api_client.get("/v1/api-keys").text


def test_revoke_is_idempotent_and_keeps_the_first_time(api_client: ApiClient) -> None:
    created = api_client.post("/v1/api-keys", json_body={"name": "ci"}).json()
    first = api_client.delete(f"/v1/api-keys/{created['id']}")
    again = api_client.delete(f"/v1/api-keys/{created['id']}")
    assert first.status == again.status == 200
    assert first.json()["revoked_at"] is not None
    assert again.json()["revoked_at"] == first.json()["revoked_at"]
    missing = api_client.delete(f"/v1/api-keys/{uuid.uuid4()}")
    assert missing.status == 404 and missing.error_code == "not_found"


def test_a_used_key_records_when(api_client: ApiClient) -> None:
    created = api_client.post("/v1/api-keys", json_body={"name": "ci"}).json()
    assert created["last_used_at"] is None
    ApiClient(api_client.app, {"x-assay-key": created["key"]}).get("/v1/me")
    (listed,) = api_client.get("/v1/api-keys").json()["items"]
    assert listed["last_used_at"] is not None


def test_blank_or_oversized_names_are_refused(api_client: ApiClient) -> None:
    for name in ("", "   ", "x" * 201):
        answer = api_client.post("/v1/api-keys", json_body={"name": name})
        assert answer.status in (400, 422), (name, answer.text)
    assert api_client.get("/v1/api-keys").json()["items"] == []


def test_users_cannot_see_or_revoke_each_others_keys(
    two_clients: tuple[ApiClient, ApiClient], database_url: str
) -> None:
    alice, bob = two_clients
    key = alice.post("/v1/api-keys", json_body={"name": "alice"}).json()
    assert bob.get("/v1/api-keys").json()["items"] == []
    refused = bob.delete(f"/v1/api-keys/{key['id']}")
    assert refused.status == 404
    with psycopg.connect(database_url) as conn:
        row = conn.execute("select revoked_at from api_keys where id = %s", (key["id"],)).fetchone()
    assert row == (None,)
    # Alice's key still works, and only in Alice's workspace.
    me = ApiClient(alice.app, {"x-assay-key": key["key"]}).get("/v1/me").json()
    assert me["user_id"] == str(alice.user_id)


def test_users_see_only_their_own_workspaces(two_clients: tuple[ApiClient, ApiClient]) -> None:
    alice, bob = two_clients
    alice_ws = alice.get("/v1/me").json()["workspace_id"]
    bob_ws = bob.get("/v1/me").json()["workspace_id"]
    assert alice_ws != bob_ws
    assert [w["id"] for w in alice.get("/v1/workspaces").json()["items"]] == [alice_ws]
    assert [w["id"] for w in bob.get("/v1/workspaces").json()["items"]] == [bob_ws]


def test_rls_hides_keys_of_other_workspaces_in_sql(
    two_clients: tuple[ApiClient, ApiClient], database_url: str
) -> None:
    alice, bob = two_clients
    alice.post("/v1/api-keys", json_body={"name": "alice"})
    bob.get("/v1/me")
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute(
            "select set_config('role', 'authenticated', true), "
            "set_config('request.jwt.claims', %s, true)",
            (f'{{"sub": "{bob.user_id}", "role": "authenticated"}}',),
        )
        assert conn.execute("select count(*) from api_keys").fetchone() == (0,)
        assert conn.execute("update api_keys set revoked_at = now()").rowcount == 0
