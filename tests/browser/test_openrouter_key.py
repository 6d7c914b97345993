"""A server without an OpenRouter key: the launch page says so before a run is started."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from browser.api_calls import call
from browser.axe import Audit
from browser.servers import AssayUp

FIX = re.compile(r"set OPENROUTER_API_KEY and restart assay up", re.IGNORECASE)


@pytest.fixture
def keyless_up(start_assay: Callable[..., AssayUp]) -> AssayUp:
    """`assay up` with OPENROUTER_API_KEY empty, which the server reads as unset."""
    return start_assay(OPENROUTER_API_KEY="")


def test_the_launch_page_warns_and_will_not_start_openrouter_models_without_a_key(
    keyless_up: AssayUp, page: Page
) -> None:
    base = keyless_up.url
    assert call(base, "/me")["openrouter_key"] == "missing"
    call(base, "/test-sets", {"name": "greetings", "cases": [{"vars": {"word": "hi"}}]})
    call(base, "/prompts", {"name": "greet", "text": "Say {{ word }}"})

    page.goto(f"{base}/runs/new")
    page.get_by_label("greet v1").check()
    page.get_by_label("local:echo").check()
    start = page.get_by_role("button", name="Start run")
    warning = page.get_by_test_id("openrouter-key-missing")
    expect(start).to_be_enabled()  # local models need no key
    expect(warning).to_have_count(0)

    page.get_by_label("Add a model by id").fill("openai/gpt-4o-mini")
    page.get_by_role("button", name="Add model").click()
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("This server has no OpenRouter key")
    expect(warning).to_contain_text("openrouter:openai/gpt-4o-mini")
    expect(warning).to_contain_text(FIX)
    expect(start).to_be_disabled()
    expect(start).to_have_accessible_description(FIX)
    expect(page.get_by_text("Cannot start: the server has no OpenRouter key")).to_be_visible()
    audit = Audit(page)
    audit.check("launch page, no OpenRouter key")
    audit.assert_clean()

    page.get_by_role("button", name="Remove openrouter:openai/gpt-4o-mini").click()
    expect(warning).to_have_count(0)
    expect(start).to_be_enabled()

    page.goto(f"{base}/settings")
    expect(page.get_by_test_id("openrouter-key")).to_have_text("not configured")
    expect(page.get_by_role("region", name="Model access")).to_contain_text(FIX)
