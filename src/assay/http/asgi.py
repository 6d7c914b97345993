"""`assay up`'s one origin: /v1 to the resolver app, everything else to the static dashboard.

The body is read here first so that an oversized (413) or non-UTF-8 (400) body is answered in
our error shape; Powertools' ASGI adapter would otherwise fail decoding it.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from assay.http.guards import MAX_BODY_BYTES, not_utf8, too_large

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]

NOT_BUILT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Assay</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>Assay is running</h1>
<p>The dashboard is not built yet. The HTTP API is ready: see the
<a href="/v1/docs">API documentation</a>.</p>
</body></html>
"""


class LocalOrigin:
    """An ASGI app: the API under /v1, the dashboard files (or a placeholder page) elsewhere."""

    def __init__(
        self,
        api: AsgiApp,
        *,
        static_root: Path | None,
        max_body: int = MAX_BODY_BYTES,
        dashboard_config: dict[str, Any] | None = None,
    ) -> None:
        self.api = api
        self.static_root = static_root.resolve() if static_root else None
        self.max_body = max_body
        # Served as /config.json in place of any built file: the server's settings win.
        self.dashboard_config = dashboard_config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path = str(scope.get("path", ""))
        if path == "/v1" or path.startswith("/v1/"):
            await self._api(scope, receive, send)
        else:
            await self._static(scope, path, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            big = too_large(declared, self.max_body)
            await _send_json(send, 413, big.code, big.message, big.details)
            return
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > self.max_body:
                big = too_large(len(body), self.max_body)
                await _send_json(send, 413, big.code, big.message, big.details)
                return
            if not message.get("more_body", False):
                break
        try:
            bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            error = not_utf8()
            await _send_json(send, 400, error.code, error.message, error.details)
            return
        replayed = False

        async def replay() -> MutableMapping[str, Any]:
            nonlocal replayed
            if replayed:
                return {"type": "http.disconnect"}
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.api(scope, replay, send)

    async def _static(self, scope: Scope, path: str, send: Send) -> None:
        if scope.get("method") not in ("GET", "HEAD"):
            await _send_json(send, 405, "method_not_allowed", "the dashboard is read-only")
            return
        if path == "/config.json" and self.dashboard_config is not None:
            body = json.dumps(self.dashboard_config).encode()
            await _send(send, 200, "application/json", body if scope["method"] == "GET" else b"")
            return
        file = self._file_for(path)
        if file is None:
            await _send(send, 404, "text/plain; charset=utf-8", b"not found")
            return
        if not isinstance(file, Path):
            await _send(send, 200, "text/html; charset=utf-8", NOT_BUILT_PAGE.encode())
            return
        media = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        body = file.read_bytes() if scope.get("method") == "GET" else b""
        await _send(send, 200, media, body)

    def _file_for(self, path: str) -> Path | str | None:
        """The file to serve; the SPA's index.html for routes without an extension."""
        index = self.static_root / "index.html" if self.static_root else None
        if self.static_root is None:
            return "placeholder"
        wanted = (self.static_root / unquote(path).lstrip("/")).resolve()
        if wanted.is_relative_to(self.static_root) and wanted.is_file():
            return wanted
        if "." in path.rsplit("/", 1)[-1]:
            return None
        return index if index is not None and index.is_file() else "placeholder"


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _send(send: Send, status: int, media: str, body: bytes) -> None:
    headers = [
        (b"content-type", media.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"x-content-type-options", b"nosniff"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_json(
    send: Send, status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> None:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    await _send(send, status, "application/json", json.dumps(body).encode())


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
