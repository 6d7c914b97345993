"""The one resolver app: every router under /v1, auth, error mapping, OpenAPI and docs.

`build_app(services)` is what API Gateway's Lambda resolves; `build_app(services, local=True)`
is the same routes on Powertools' ASGI resolver for `assay up`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import psycopg
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from assay.domain.errors import AssayError
from assay.http import openapi
from assay.http.auth import auth_middleware
from assay.http.errors import error_response, from_assay_error
from assay.http.guards import GuardedRequestValidation, not_utf8
from assay.http.local_resolver import ThreadedResolverLocal
from assay.http.routes import api_keys, models, prompts, runs, test_sets, workspaces
from assay.http.services import ApiServices

log = logging.getLogger(__name__)

ROUTERS = [
    test_sets.router,
    prompts.router,
    models.router,
    runs.router,
    api_keys.router,
    workspaces.router,
]
API_TITLE = "Assay API"
API_VERSION = "1"


def build_app(services: ApiServices, *, local: bool = False) -> ApiGatewayResolver:
    """The resolver over `services`: ASGI (HttpResolverLocal) when `local`, else API Gateway v2."""
    app: ApiGatewayResolver = (
        ThreadedResolverLocal(enable_validation=True)
        if local
        else APIGatewayHttpResolver(enable_validation=True)
    )
    # Powertools runs request validation first; our guard takes its slot to run before parsing.
    app._request_validation_middleware = GuardedRequestValidation()
    for router in ROUTERS:
        app.include_router(router, prefix=openapi.API_PREFIX)
    _add_docs(app, auth_required=not services.local_mode)
    routes = _routes(app)
    _document_success(routes)
    protected = {id(r) for r in routes if r.path not in openapi.PUBLIC_PATHS}
    app.use([auth_middleware(services, protected=lambda r: id(r) in protected, routers=ROUTERS)])
    _add_error_handlers(app, routes)
    return app


def _routes(app: ApiGatewayResolver) -> list[Any]:
    return list(app._static_routes) + list(app._dynamic_routes)


def _document_success(routes: list[Any]) -> None:
    """Keep the success answer documented on routes that list their errors in `responses=`.

    Powertools documents the return type only when `responses` is empty; an entry without
    `content` for the route's status makes it fill that entry from the return type instead.
    """
    for route in routes:
        if route.responses and route.status_code not in route.responses:
            success = {"description": route.response_description}
            route.responses = {**route.responses, route.status_code: success}


def _add_docs(app: ApiGatewayResolver, *, auth_required: bool) -> None:
    document: dict[str, Any] = {}

    @app.get(openapi.OPENAPI_PATH, include_in_schema=False)
    def openapi_json() -> Response[str]:
        if not document:  # built on first use: every route is registered by then
            raw = json.loads(
                app.get_openapi_json_schema(
                    title=API_TITLE, version=API_VERSION, openapi_version="3.1.0"
                )
            )
            document.update(openapi.finish_document(raw, auth_required=auth_required))
        return Response(200, "application/json", json.dumps(document))

    @app.get(openapi.DOCS_PATH, include_in_schema=False)
    def docs() -> Response[str]:
        return Response(200, "text/html; charset=utf-8", openapi.swagger_page())

    cached = {"Cache-Control": "public, max-age=86400"}

    @app.get(openapi.DOCS_JS_PATH, include_in_schema=False)
    def docs_js() -> Response[str]:
        body = openapi.swagger_asset("swagger-ui-bundle.min.js")
        return Response(200, "application/javascript", body, headers=cached)

    @app.get(openapi.DOCS_CSS_PATH, include_in_schema=False)
    def docs_css() -> Response[str]:
        return Response(
            200, "text/css", openapi.swagger_asset("swagger-ui.min.css"), headers=cached
        )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # Never echo the input: it may hold secrets. Location, type and pydantic's message only.
    return [
        {
            "loc": [str(part) for part in e.get("loc", ())],
            "type": e.get("type"),
            "message": e.get("msg"),
        }
        for e in exc.errors()
    ]


def _add_error_handlers(app: ApiGatewayResolver, routes: list[Any]) -> None:
    """The one mapping from what a request can raise to the answer it gets."""

    def assay_error(exc: AssayError) -> Response[str]:
        response = from_assay_error(exc)
        if response.status_code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    def invalid_request(exc: RequestValidationError) -> Response[str]:
        errors = _validation_errors(exc)
        if any(e["type"] == "json_invalid" for e in errors):
            message = "the body is not valid JSON"
            return error_response(400, "malformed_json", message, {"errors": errors})
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['message']}" for e in errors[:5])
        message = f"invalid request: {where}"
        return error_response(422, "validation_error", message, {"errors": errors})

    def unsupported_type(exc: RequestUnsupportedContentType) -> Response[str]:
        return error_response(415, "unsupported_media_type", "send the body as application/json")

    def undecodable(exc: UnicodeDecodeError) -> Response[str]:
        error = not_utf8()
        return error_response(400, error.code, error.message, error.details)

    def service_error(exc: ServiceError) -> Response[str]:
        return error_response(exc.status_code, "http_error", str(exc.msg))

    def not_found(exc: NotFoundError) -> Response[str]:
        path = str(app.context.get("_path") or app.current_event.path)
        allowed = sorted({r.method for r in routes if r.rule.match(path)})
        if not allowed:
            return error_response(404, "not_found", f"no such route: {path}")
        message = f"{path} does not accept this method"
        response = error_response(405, "method_not_allowed", message, {"allowed": allowed})
        response.headers["Allow"] = ", ".join(allowed)
        return response

    def unexpected(exc: Exception) -> Response[str]:
        log.error("unhandled error in a route", exc_info=exc)
        message = "internal error; the server logged the details"
        return error_response(500, "internal_error", message)

    # The most specific class an exception is an instance of picks its handler.
    handlers: dict[type[Exception], Callable[..., Response[str]]] = {
        AssayError: assay_error,
        RequestValidationError: invalid_request,
        RequestUnsupportedContentType: unsupported_type,
        UnicodeDecodeError: undecodable,
        psycopg.Error: _database_response,
        ServiceError: service_error,
        NotFoundError: not_found,
        Exception: unexpected,
    }
    app.exception_handler_manager.update_exception_handlers(handlers)


def _database_response(exc: psycopg.Error) -> Response[str]:
    """Database failures by class, never by message; the SQL text is not returned."""
    constraint = getattr(getattr(exc, "diag", None), "constraint_name", None)
    details = {"constraint": constraint} if constraint else {}
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return error_response(403, "forbidden", "not allowed in this workspace", details)
    if isinstance(exc, psycopg.IntegrityError):
        return error_response(409, "conflict", "the change conflicts with stored data", details)
    if isinstance(exc, psycopg.DataError):
        return error_response(400, "invalid_input", "a value is out of range or malformed", details)
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        log.warning("database unavailable", extra={"error": type(exc).__name__})
        return error_response(503, "storage_error", "the database is unavailable; retry later")
    log.error("database error in a route", exc_info=exc)
    return error_response(500, "internal_error", "internal error; the server logged the details")
