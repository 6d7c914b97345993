"""A stand-in Supabase project: publishes a JWKS on 127.0.0.1 and mints tokens with its keys."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

JWKS_PATH = "/auth/v1/.well-known/jwks.json"


class JwksIssuer:
    """Keys by kid; `published` decides which are in the JWKS; `fetches` counts requests."""

    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, Any]] = {}
        self.published: set[str] = set()
        self.fetches = 0
        self._server: ThreadingHTTPServer | None = None
        self.es256_kid = self.add_key("ES256")
        self.rs256_kid = self.add_key("RS256")

    @property
    def url(self) -> str:
        """What SUPABASE_URL would be."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/auth/v1"

    def add_key(self, alg: str, *, publish: bool = True) -> str:
        """A new signing key (a rotation when published later)."""
        private: Any = (
            ec.generate_private_key(ec.SECP256R1())
            if alg == "ES256"
            else rsa.generate_private_key(public_exponent=65537, key_size=2048)
        )
        kid = uuid.uuid4().hex
        self.keys[kid] = (alg, private)
        if publish:
            self.published.add(kid)
        return kid

    def jwks(self) -> dict[str, Any]:
        out = []
        for kid in sorted(self.published):
            alg, private = self.keys[kid]
            codec = ECAlgorithm if alg == "ES256" else RSAAlgorithm
            jwk = codec.to_jwk(private.public_key(), as_dict=True)
            out.append(jwk | {"kid": kid, "alg": alg, "use": "sig"})
        return {"keys": out}

    def mint(
        self,
        sub: uuid.UUID | str,
        *,
        kid: str | None = None,
        expires_in: int = 3600,
        aud: str = "authenticated",
        iss: str | None = None,
    ) -> str:
        """A token signed with key `kid` (default: the ES256 key)."""
        kid = kid or self.es256_kid
        alg, private = self.keys[kid]
        now = int(time.time())
        claims = {
            "sub": str(sub),
            "aud": aud,
            "iss": iss or self.issuer,
            "role": "authenticated",
            "iat": now,
            "exp": now + expires_in,
        }
        return jwt.encode(claims, private, algorithm=alg, headers={"kid": kid})

    def start(self) -> None:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != JWKS_PATH:
                    self.send_error(404)
                    return
                issuer.fetches += 1
                body = json.dumps(issuer.jwks()).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
