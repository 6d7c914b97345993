"""Verifying Supabase access tokens: HS256 with the project secret, ES256/RS256 from its JWKS."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

from assay.domain.errors import StorageError
from assay.http.errors import Unauthorized
from assay.settings import Settings

log = logging.getLogger(__name__)

AUDIENCE = "authenticated"
ASYMMETRIC_ALGORITHMS = frozenset({"ES256", "RS256"})
JWKS_TTL_S = 600.0
# An unknown kid may mean the project rotated keys; refetch, but not on every forged token.
JWKS_MIN_REFRESH_S = 30.0
JWKS_TIMEOUT_S = 5.0
LEEWAY_S = 5


class AuthUnavailable(StorageError):
    """The signing keys could not be fetched: a retry may succeed."""

    code = "auth_unavailable"


@dataclass(frozen=True)
class VerifiedUser:
    """The caller a valid token names."""

    user_id: uuid.UUID
    claims: dict[str, Any]


Fetch = Callable[[str], dict[str, Any]]


def _http_fetch(url: str) -> dict[str, Any]:
    response = httpx.get(url, timeout=JWKS_TIMEOUT_S)
    response.raise_for_status()
    body = response.json()
    if not isinstance(body, dict):
        raise ValueError("the JWKS document is not a JSON object")
    return body


class JwksCache:
    """The project's public keys by `kid`, cached for a TTL and refetched on an unknown kid."""

    def __init__(
        self, url: str, *, fetch: Fetch = _http_fetch, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.url = url
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None

    def key(self, kid: str) -> jwt.PyJWK | None:
        """The key named `kid`, or None when the project does not publish it."""
        with self._lock:
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at > JWKS_TTL_S
            may_refresh = self._fetched_at is None or now - self._fetched_at > JWKS_MIN_REFRESH_S
            if stale or (kid not in self._keys and may_refresh):
                self._refresh(now)
            return self._keys.get(kid)

    def _refresh(self, now: float) -> None:
        try:
            document = self._fetch(self.url)
        except (httpx.HTTPError, ValueError) as exc:
            if self._keys:  # keep serving the keys we had; the project is briefly unreachable
                log.warning("JWKS refresh failed", extra={"error": type(exc).__name__})
                return
            raise AuthUnavailable("cannot fetch the Supabase signing keys") from exc
        keys: dict[str, jwt.PyJWK] = {}
        for entry in document.get("keys", []):
            if not isinstance(entry, dict) or entry.get("alg") not in ASYMMETRIC_ALGORITHMS:
                continue
            try:
                keys[str(entry["kid"])] = jwt.PyJWK(entry)
            except (KeyError, jwt.PyJWTError):
                continue
        self._keys = keys
        self._fetched_at = now


class TokenVerifier:
    """Checks signature, algorithm, `exp`, `aud` and (with SUPABASE_URL) the issuer."""

    def __init__(
        self, *, supabase_url: str | None, jwt_secret: str | None, jwks: JwksCache | None = None
    ) -> None:
        if not supabase_url and not jwt_secret:
            raise ValueError("a verifier needs SUPABASE_URL or SUPABASE_JWT_SECRET")
        self.issuer = f"{supabase_url}/auth/v1" if supabase_url else None
        self._secret = jwt_secret
        self._jwks = jwks
        if jwks is None and supabase_url:
            self._jwks = JwksCache(f"{supabase_url}/auth/v1/.well-known/jwks.json")

    def verify(self, token: str) -> VerifiedUser:
        """The user a token names; Unauthorized for anything not exactly right."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise Unauthorized("the bearer token is not a JWT") from exc
        alg = header.get("alg")
        key: Any
        if alg == "HS256" and self._secret:
            key = self._secret
        elif alg in ASYMMETRIC_ALGORITHMS and self._jwks is not None:
            kid = header.get("kid")
            found = self._jwks.key(str(kid)) if isinstance(kid, str) else None
            if found is None or found.algorithm_name != alg:
                raise Unauthorized("the token's signing key is unknown")
            key = found.key
        else:
            raise Unauthorized(f"tokens signed with {alg!r} are not accepted")
        required = ["exp", "sub", "aud"] + (["iss"] if self.issuer else [])
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[str(alg)],
                audience=AUDIENCE,
                issuer=self.issuer,
                leeway=LEEWAY_S,
                options={"require": required},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("the token has expired") from exc
        except jwt.InvalidAudienceError as exc:
            raise Unauthorized("the token is not for this audience") from exc
        except jwt.InvalidIssuerError as exc:
            raise Unauthorized("the token was issued by another project") from exc
        except jwt.InvalidTokenError as exc:
            raise Unauthorized("the token is invalid") from exc
        try:
            user_id = uuid.UUID(str(claims["sub"]))
        except ValueError as exc:
            raise Unauthorized("the token's subject is not a user id") from exc
        return VerifiedUser(user_id=user_id, claims=claims)


def verifier_from_settings(settings: Settings) -> TokenVerifier | None:
    """The verifier the settings ask for; None means local single-user mode."""
    secret = (
        settings.supabase_jwt_secret.get_secret_value() if settings.supabase_jwt_secret else None
    )
    if not settings.supabase_url and not secret:
        return None
    return TokenVerifier(supabase_url=settings.supabase_url, jwt_secret=secret)


def claims_for_database(user: VerifiedUser) -> dict[str, Any]:
    """The claims a request session carries: only what RLS and auditing need."""
    keep = {k: user.claims[k] for k in ("email", "aud", "session_id") if k in user.claims}
    return keep | {"sub": str(user.user_id), "role": "authenticated"}
