"""With Supabase auth configured, the dashboard asks for email and password and then works."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from browser.servers import AssayUp, SupabaseAuthStub

SECRET = "browser-test-secret-long-enough-for-hs256-0123456789"
EMAIL = "ada@example.com"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def supabase() -> Iterator[SupabaseAuthStub]:
    stub = SupabaseAuthStub(SECRET, EMAIL, PASSWORD)
    yield stub
    stub.close()


def serve_config(page: Page, supabase: SupabaseAuthStub) -> None:
    """The runtime config.json an operator would deploy beside the dashboard."""
    body = json.dumps({"supabaseUrl": supabase.url, "supabaseAnonKey": "anon-key"})

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=body)

    page.route("**/config.json", fulfil)


def test_sign_in_with_a_supabase_password_then_use_the_api(
    start_assay: Callable[..., AssayUp],
    supabase: SupabaseAuthStub,
    page: Page,
    shot: Callable[[Page, str], Path],
) -> None:
    server = start_assay(SUPABASE_JWT_SECRET=SECRET)
    serve_config(page, supabase)
    page.goto(f"{server.url}/test-sets")
    expect(page.get_by_role("heading", name="Sign in to Assay")).to_be_visible()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Invalid login credentials")
    shot(page, "sign-in")

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Test sets", exact=True)).to_be_visible()
    expect(page.get_by_text(EMAIL)).to_be_visible()
    page.get_by_label("New test set").fill("Mine")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Mine")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Assay")).to_be_visible()


def test_without_a_token_the_api_error_is_shown_not_a_blank_page(
    start_assay: Callable[..., AssayUp], page: Page
) -> None:
    server = start_assay(SUPABASE_JWT_SECRET=SECRET)
    page.goto(f"{server.url}/runs")
    expect(page.get_by_role("heading", name="Sign in to Assay")).to_be_visible()
    expect(page.get_by_text("No Supabase project is configured")).to_be_visible()
    page.get_by_label("API key").fill("ak_notreal_notreal")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("invalid or revoked")
