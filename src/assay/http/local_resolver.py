"""Powertools' ASGI resolver, resolving each request on a worker thread through the sync path.

Powertools' async path runs sync routes on the event loop and each sync middleware on a
thread that waits for the rest of the chain. With blocking psycopg routes that starves the
default executor (a few concurrent requests deadlock) and lets one route's lock wait freeze
every other request. Resolving the whole request in one worker thread, exactly as Lambda does,
avoids both; the request's state stays in Powertools' per-request ContextVar.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from aws_lambda_powertools.event_handler.http_resolver import (
    HttpProxyEvent,
    HttpResolverLocal,
    MockLambdaContext,
    _RequestState,
)

NO_BODY_STATUSES = frozenset({204, 304})


class ThreadedResolverLocal(HttpResolverLocal):
    """An ASGI app serving the same routes and middlewares as the Lambda resolver."""

    async def asgi_handler(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[..., Awaitable[Any]],
        send: Callable[..., Awaitable[Any]],
    ) -> None:
        if scope["type"] != "http":
            await super().asgi_handler(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        event = HttpProxyEvent.from_asgi(scope, body)
        response = await asyncio.to_thread(self._resolve_in_thread, event.raw_event)
        await self._send_response(send, response)

    def _resolve_in_thread(self, data: dict[str, Any]) -> dict[str, Any]:
        state = _RequestState(
            event=self._to_proxy_event(data),
            lambda_context=MockLambdaContext(),
            context=self._startup_state.context.copy(),
        )
        token = self._request_state.set(state)
        try:
            built: dict[str, Any] = self._resolve().build(self.current_event, self._cors)
            if built.get("statusCode") in NO_BODY_STATUSES:
                # A route returning None serializes as "null"; HTTP forbids a body here and
                # uvicorn would reset the connection for it (API Gateway drops it itself).
                built["body"], built["isBase64Encoded"] = "", False
            return built
        finally:
            self._request_state.reset(token)
