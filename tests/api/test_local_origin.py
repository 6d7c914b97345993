"""`assay up`'s one origin: dashboard files, SPA fallback, placeholder page, no escapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx


def test_dashboard_files_and_spa_fallback(live_server: Any, tmp_path: Path) -> None:
    web = tmp_path / "dist"
    (web / "assets").mkdir(parents=True)
    (web / "index.html").write_text("<html>dashboard</html>")
    (web / "assets" / "app.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("do not serve")
    server = live_server(static_root=web)
    assert httpx.get(f"{server.url}/").text == "<html>dashboard</html>"
    js = httpx.get(f"{server.url}/assets/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert httpx.get(f"{server.url}/runs/123").text == "<html>dashboard</html>"  # client route
    assert httpx.get(f"{server.url}/assets/missing.js").status_code == 404
    escaped = httpx.get(f"{server.url}/%2e%2e/secret.txt")
    assert escaped.status_code == 404 and "do not serve" not in escaped.text
    assert httpx.post(f"{server.url}/").status_code == 405


def test_placeholder_page_links_to_the_docs(live_server: Any) -> None:
    server = live_server(static_root=None)
    page = httpx.get(f"{server.url}/")
    assert page.status_code == 200 and 'href="/v1/docs"' in page.text


def test_a_204_answer_has_no_body_and_keeps_the_connection_usable(live_server: Any) -> None:
    server = live_server(verifier=None)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        made = http.post("/v1/test-sets", json={"name": "gone"})
        assert made.status_code == 201, made.text
        deleted = http.delete(f"/v1/test-sets/{made.json()['id']}")
        assert (deleted.status_code, deleted.content) == (204, b"")
        for _ in range(3):  # the same kept-alive connection serves the next requests
            again = http.delete(f"/v1/test-sets/{made.json()['id']}")
            assert again.status_code == 404
        assert http.get("/v1/test-sets").json()["items"] == []
