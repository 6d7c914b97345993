"""API Gateway (HTTP API, payload v2) events to the Assay resolver app, built once per container."""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver

from assay.http.app import build_app
from assay.http.services import lambda_services


@functools.cache
def application() -> ApiGatewayResolver:
    """The app of this container, built on the first event and reused while warm."""
    return build_app(lambda_services())


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Resolve one API Gateway v2 event."""
    return application().resolve(event, context)
