"""The OpenAPI 3.1 document, its error responses, and the offline Swagger UI.

Routes need not list error statuses: `finish_document` adds to every operation each error it
can answer (400, 401, 403, 404, 413, 422, 500, 503; 415 with a body or on writes; 409 on
writes), all with the `Error` schema. Request bodies should subclass `ApiModel`, which
refuses unknown fields (422).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from assay.http.auth import KEY_HEADER, WORKSPACE_HEADER

API_PREFIX = "/v1"
OPENAPI_PATH = f"{API_PREFIX}/openapi.json"
DOCS_PATH = f"{API_PREFIX}/docs"
DOCS_JS_PATH = f"{DOCS_PATH}/swagger-ui.js"
DOCS_CSS_PATH = f"{DOCS_PATH}/swagger-ui.css"
PUBLIC_PATHS = frozenset({OPENAPI_PATH, DOCS_PATH, DOCS_JS_PATH, DOCS_CSS_PATH})
ERROR_SCHEMA_REF = "#/components/schemas/Error"

_STATUS_TEXT = {
    400: "Malformed request: bad JSON, a body that is not UTF-8, a bad header or cursor",
    401: "Missing, expired or invalid credentials",
    403: "The caller may not do this, or is not a member of the workspace named",
    404: "Not found (or not in the caller's workspace)",
    409: "Conflicts with stored state",
    413: "The body is larger than the API accepts",
    415: "The body's content type is not application/json",
    422: "The request does not match the schema (field locations in details.errors)",
    500: "Unexpected server error (the details are logged, never returned)",
    503: "The database or an upstream service is unavailable; retry later",
}


class ApiModel(BaseModel):
    """Base of request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorInfo(BaseModel):
    """What went wrong: a stable code, a human message, structured details."""

    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(BaseModel):
    """Every error answer of the API."""

    error: ErrorInfo


def _error_response(status: int) -> dict[str, Any]:
    return {
        "description": _STATUS_TEXT[status],
        "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}},
    }


# For `responses=` on a route decorator. Powertools then drops the generated success response,
# so add yours too; usually leave `responses` out: finish_document adds these to every route.
ERROR_RESPONSES: dict[int, dict[str, Any]] = {
    status: _error_response(status) for status in (400, 401, 403, 404, 409, 413, 415, 422, 500, 503)
}


def error_statuses(method: str, *, has_body: bool, public: bool) -> list[int]:
    """Every error status an operation can answer."""
    statuses = [400, 413, 500] if public else [400, 401, 403, 404, 413, 422, 500, 503]
    writes = method.lower() in ("post", "put", "patch", "delete")
    if has_body or (writes and not public):
        statuses.append(415)
    if writes and not public:
        statuses.append(409)
    return sorted(statuses)


def _error_components() -> dict[str, Any]:
    schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {"Error": schema, **defs}


def finish_document(raw: dict[str, Any], *, auth_required: bool) -> dict[str, Any]:
    """Powertools' document plus our errors, security schemes and the workspace header."""
    doc = copy.deepcopy(raw)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for powertools_own in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):
        schemas.pop(powertools_own, None)  # every error answer uses our Error schema instead
    schemas.update(_error_components())
    if auth_required:
        doc["components"]["securitySchemes"] = {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "Supabase JWT or ak_ key",
            },
            "apiKey": {"type": "apiKey", "in": "header", "name": KEY_HEADER},
        }
        doc["security"] = [{"bearer": []}, {"apiKey": []}]
    workspace_param = {
        "name": WORKSPACE_HEADER,
        "in": "header",
        "required": False,
        "description": "Act in this workspace instead of your personal one",
        "schema": {"type": "string", "format": "uuid"},
    }
    for path, item in doc.get("paths", {}).items():
        public = path in PUBLIC_PATHS
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in error_statuses(
                method, has_body="requestBody" in operation, public=public
            ):
                responses[str(status)] = _error_response(status)
            if public:
                operation["security"] = []
            else:
                params = operation.setdefault("parameters", [])
                if not any(p.get("name") == WORKSPACE_HEADER for p in params):
                    params.append(dict(workspace_param))
    return doc


def swagger_page() -> str:
    """The Swagger UI page: its script and style come from this API, never a CDN."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Assay API</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui.js"></script>
<script>
  SwaggerUIBundle({{
    url: {json.dumps("openapi.json")},
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    persistAuthorization: true
  }});
</script>
</body>
</html>
"""


@cache
def swagger_asset(name: str) -> str:
    """A Swagger UI file bundled with Powertools, read once."""
    folder = resources.files("aws_lambda_powertools.event_handler.openapi.swagger_ui")
    return (folder / name).read_text(encoding="utf-8")
