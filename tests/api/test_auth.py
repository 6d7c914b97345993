"""Auth through the Lambda entry (v2 events): tokens, API keys, workspaces, first requests."""

from __future__ import annotations

import base64
import concurrent.futures
import json
import time
import uuid
from typing import Any

import httpx
import jwt
import psycopg
import pytest

from api.conftest import JWT_SECRET, ApiClient, mint_hs256
from api.jwks_server import JwksIssuer
from assay.http.jwt_verify import JwksCache, TokenVerifier


def _unauthorized(answer: Any) -> None:
    assert answer.status == 401, answer.text
    assert answer.error_code == "unauthorized"
    assert answer.headers.get("www-authenticate") == "Bearer"


def test_missing_credentials_are_refused(api_app: Any) -> None:
    _unauthorized(ApiClient(api_app()).get("/v1/me"))


def test_valid_hs256_token_names_the_user(api_client: ApiClient) -> None:
    answer = api_client.get("/v1/me")
    assert answer.status == 200, answer.text
    body = answer.json()
    assert body["user_id"] == str(api_client.user_id)
    assert body["actor"] == "user"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda sub: mint_hs256(sub, expires_in=-3600), id="expired"),
        pytest.param(lambda sub: mint_hs256(sub, secret="another-secret-" * 4), id="wrong-key"),
        pytest.param(lambda sub: mint_hs256(sub, aud="anon"), id="wrong-audience"),
        pytest.param(lambda sub: mint_hs256("not-a-uuid"), id="subject-not-a-user"),
        pytest.param(lambda sub: "not.a.jwt", id="garbage"),
    ],
)
def test_bad_hs256_tokens_are_refused(api_app: Any, token: Any) -> None:
    client = ApiClient(api_app(), {"authorization": f"Bearer {token(uuid.uuid4())}"})
    _unauthorized(client.get("/v1/me"))


def _unsigned(sub: uuid.UUID) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {"sub": str(sub), "aud": "authenticated", "exp": int(time.time()) + 3600}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def test_alg_none_is_refused(api_app: Any) -> None:
    client = ApiClient(api_app(), {"authorization": f"Bearer {_unsigned(uuid.uuid4())}"})
    _unauthorized(client.get("/v1/me"))


def test_refused_requests_create_nothing(api_app: Any, database_url: str) -> None:
    app = api_app()
    ApiClient(app, {"authorization": f"Bearer {mint_hs256(uuid.uuid4(), expires_in=-60)}"}).get(
        "/v1/me"
    )
    with psycopg.connect(database_url) as conn:
        assert conn.execute("select count(*) from workspaces").fetchone() == (0,)


def _jwks_app(api_app: Any, issuer: JwksIssuer, clock: Any = time.monotonic) -> ApiClient:
    cache = JwksCache(f"{issuer.url}/auth/v1/.well-known/jwks.json", clock=clock)
    verifier = TokenVerifier(supabase_url=issuer.url, jwt_secret=None, jwks=cache)
    return ApiClient(api_app(verifier=verifier))


@pytest.mark.parametrize("alg", ["ES256", "RS256"])
def test_jwks_tokens_are_accepted(api_app: Any, jwks_issuer: JwksIssuer, alg: str) -> None:
    client = _jwks_app(api_app, jwks_issuer)
    user = uuid.uuid4()
    kid = jwks_issuer.es256_kid if alg == "ES256" else jwks_issuer.rs256_kid
    answer = client.get(
        "/v1/me", headers={"authorization": f"Bearer {jwks_issuer.mint(user, kid=kid)}"}
    )
    assert answer.status == 200, answer.text
    assert answer.json()["user_id"] == str(user)


def test_jwks_refuses_wrong_issuer_audience_expiry_and_hs256(
    api_app: Any, jwks_issuer: JwksIssuer
) -> None:
    client = _jwks_app(api_app, jwks_issuer)
    sub = uuid.uuid4()
    bad = [
        jwks_issuer.mint(sub, iss="https://other.supabase.co/auth/v1"),
        jwks_issuer.mint(sub, aud="anon"),
        jwks_issuer.mint(sub, expires_in=-3600),
        # HS256 is not accepted when only SUPABASE_URL is configured (no key confusion).
        mint_hs256(sub, iss=jwks_issuer.issuer),
        _unsigned(sub),
    ]
    for token in bad:
        _unauthorized(client.get("/v1/me", headers={"authorization": f"Bearer {token}"}))


def test_unknown_kid_is_refused_and_a_rotation_is_picked_up(
    api_app: Any, jwks_issuer: JwksIssuer
) -> None:
    now = [1000.0]
    client = _jwks_app(api_app, jwks_issuer, clock=lambda: now[0])
    sub = uuid.uuid4()
    ok = client.get("/v1/me", headers={"authorization": f"Bearer {jwks_issuer.mint(sub)}"})
    assert ok.status == 200 and jwks_issuer.fetches == 1
    rotated = jwks_issuer.add_key("ES256", publish=False)
    token = jwks_issuer.mint(sub, kid=rotated)
    _unauthorized(client.get("/v1/me", headers={"authorization": f"Bearer {token}"}))
    # Published now; after the minimum refresh interval an unknown kid triggers a refetch.
    jwks_issuer.published.add(rotated)
    now[0] += 31
    answer = client.get("/v1/me", headers={"authorization": f"Bearer {token}"})
    assert answer.status == 200, answer.text
    assert jwks_issuer.fetches == 2
    # Cached: the next request fetches nothing.
    client.get("/v1/me", headers={"authorization": f"Bearer {token}"})
    assert jwks_issuer.fetches == 2


def test_api_key_acts_as_its_creator_in_its_workspace(api_client: ApiClient) -> None:
    me = api_client.get("/v1/me").json()
    key = api_client.post("/v1/api-keys", json_body={"name": "ci"}).json()["key"]
    program = ApiClient(api_client.app, {"authorization": f"Bearer {key}"})
    answer = program.get("/v1/me")
    assert answer.status == 200, answer.text
    body = answer.json()
    assert body["actor"] == "api_key"
    assert body["user_id"] == me["user_id"]
    assert body["workspace_id"] == me["workspace_id"]
    via_header = ApiClient(api_client.app, {"x-assay-key": key}).get("/v1/me")
    assert via_header.status == 200


def test_revoked_and_unknown_keys_are_refused(api_client: ApiClient) -> None:
    created = api_client.post("/v1/api-keys", json_body={"name": "ci"}).json()
    assert api_client.delete(f"/v1/api-keys/{created['id']}").status == 200
    for key in (created["key"], created["key"][:-1] + "A", "ak_short"):
        _unauthorized(ApiClient(api_client.app, {"x-assay-key": key}).get("/v1/me"))


def test_workspace_header_of_a_foreign_workspace_is_forbidden(
    two_clients: tuple[ApiClient, ApiClient],
) -> None:
    alice, bob = two_clients
    alice_ws = alice.get("/v1/me").json()["workspace_id"]
    answer = bob.get("/v1/me", headers={"x-assay-workspace": alice_ws})
    assert answer.status == 403
    assert answer.error_code == "forbidden"
    unknown = bob.get("/v1/api-keys", headers={"x-assay-workspace": str(uuid.uuid4())})
    assert unknown.status == 403
    malformed = bob.get("/v1/me", headers={"x-assay-workspace": "nope"})
    assert malformed.status == 400 and malformed.error_code == "invalid_input"


def test_workspace_header_switches_to_a_shared_workspace(
    two_clients: tuple[ApiClient, ApiClient], database_url: str
) -> None:
    alice, bob = two_clients
    alice_ws = alice.get("/v1/me").json()["workspace_id"]
    bob_ws = bob.get("/v1/me").json()["workspace_id"]
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "insert into members (workspace_id, user_id) values (%s, %s)", (alice_ws, bob.user_id)
        )
    answer = bob.get("/v1/me", headers={"x-assay-workspace": alice_ws})
    assert answer.status == 200
    assert answer.json()["workspace_id"] == alice_ws
    listed = {w["id"] for w in bob.get("/v1/workspaces").json()["items"]}
    assert listed == {alice_ws, bob_ws}


def test_api_key_cannot_leave_its_workspace(
    two_clients: tuple[ApiClient, ApiClient], database_url: str
) -> None:
    alice, bob = two_clients
    alice_ws = alice.get("/v1/me").json()["workspace_id"]
    bob_ws = bob.get("/v1/me").json()["workspace_id"]
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "insert into members (workspace_id, user_id) values (%s, %s)", (alice_ws, bob.user_id)
        )
    key = bob.post("/v1/api-keys", json_body={"name": "bob's ci"}).json()["key"]
    program = ApiClient(bob.app, {"x-assay-key": key})
    assert program.get("/v1/me", headers={"x-assay-workspace": alice_ws}).status == 403
    # RLS itself confines the key: Alice's workspace is invisible even though Bob is a member.
    assert [w["id"] for w in program.get("/v1/workspaces").json()["items"]] == [bob_ws]
    assert program.post("/v1/api-keys", json_body={"name": "more"}).status == 403


def test_first_requests_create_one_personal_workspace_even_concurrently(
    live_server: Any, database_url: str
) -> None:
    server = live_server()
    user = uuid.uuid4()
    headers = {"authorization": f"Bearer {mint_hs256(user)}"}

    def me(_: int) -> httpx.Response:
        return httpx.get(f"{server.url}/v1/me", headers=headers, timeout=30)

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(me, range(16)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.json()["workspace_id"] for a in answers}) == 1
    with psycopg.connect(database_url) as conn:
        owned = conn.execute(
            "select count(*) from workspaces where owner_id = %s and personal", (user,)
        ).fetchone()
        members = conn.execute(
            "select count(*) from members where user_id = %s", (user,)
        ).fetchone()
    assert owned == (1,) and members == (1,)


def test_local_mode_needs_no_credentials(local_client: ApiClient) -> None:
    body = local_client.get("/v1/me").json()
    assert body["actor"] == "local"
    assert body["workspace_id"] == "00000000-0000-4000-8000-000000000001"
    assert [w["role"] for w in body["workspaces"]] == ["owner"]


def test_hs256_secret_is_never_needed_by_the_verifier_to_refuse_none() -> None:
    verifier = TokenVerifier(supabase_url=None, jwt_secret=JWT_SECRET)
    with pytest.raises(Exception, match="not accepted"):
        verifier.verify(jwt.encode({"sub": str(uuid.uuid4())}, "", algorithm="none"))
