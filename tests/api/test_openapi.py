"""The OpenAPI document: 3.1, every route's errors documented; Swagger UI served offline."""

from __future__ import annotations

import re
from typing import Any

import httpx
import jsonschema

from api.conftest import ApiClient

METHODS = {"get", "post", "put", "patch", "delete"}


def _document(client: ApiClient) -> dict[str, Any]:
    answer = ApiClient(client.app).get("/v1/openapi.json")  # public: no credentials
    assert answer.status == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    doc: dict[str, Any] = answer.json()
    return doc


def test_document_is_openapi_31_with_every_route(api_client: ApiClient) -> None:
    doc = _document(api_client)
    assert doc["openapi"].startswith("3.1")
    assert {"/v1/me", "/v1/workspaces", "/v1/api-keys", "/v1/api-keys/{key_id}"} <= set(
        doc["paths"]
    )
    assert "/v1/docs" not in doc["paths"] and "/v1/openapi.json" not in doc["paths"]
    assert doc["security"] == [{"bearer": []}, {"apiKey": []}]
    # Every $ref resolves inside the document.
    text = str(doc)
    for ref in set(re.findall(r"#/components/schemas/([A-Za-z0-9_.-]+)", text)):
        assert ref in doc["components"]["schemas"], ref


def test_every_operation_documents_success_and_its_errors(api_client: ApiClient) -> None:
    doc = _document(api_client)
    error_schema = doc["components"]["schemas"]["Error"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            statuses = {int(s) for s in op["responses"]}
            where = f"{method.upper()} {path}"
            assert any(200 <= s < 300 for s in statuses), where
            assert {400, 401, 403, 404, 413, 422, 500, 503} <= statuses, where
            if "requestBody" in op:
                assert 415 in statuses, where
            for status in statuses - set(range(200, 300)):
                content = op["responses"][str(status)]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/Error"}, where
            names = {p["name"] for p in op.get("parameters", [])}
            assert "X-Assay-Workspace" in names, where
    # The documented error schema accepts what the API really answers.
    live = ApiClient(api_client.app).get("/v1/me").json()
    resolver = {"components": doc["components"]} | error_schema
    jsonschema.validate(live, resolver)


def test_created_key_matches_its_documented_schema(api_client: ApiClient) -> None:
    doc = _document(api_client)
    op = doc["paths"]["/v1/api-keys"]["post"]
    schema = op["responses"]["201"]["content"]["application/json"]["schema"]
    created = api_client.post("/v1/api-keys", json_body={"name": "ci"}).json()
    jsonschema.validate(created, {"components": doc["components"]} | schema)


def test_local_mode_document_has_no_security(local_client: ApiClient) -> None:
    doc = _document(local_client)
    assert "security" not in doc


def test_swagger_ui_is_served_without_external_urls(live_server: Any) -> None:
    server = live_server()
    page = httpx.get(f"{server.url}/v1/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert not re.search(r"(src|href|url)\s*[=:]\s*[\"']?(https?:)?//", page.text), page.text
    assert "validatorUrl: null" in page.text
    for asset, kind in (("swagger-ui.js", "javascript"), ("swagger-ui.css", "css")):
        answer = httpx.get(f"{server.url}/v1/docs/{asset}")
        assert answer.status_code == 200 and kind in answer.headers["content-type"]
        assert len(answer.content) > 10_000
    assert httpx.get(f"{server.url}/v1/openapi.json").json()["openapi"].startswith("3.1")
