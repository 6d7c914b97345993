"""An automated accessibility audit: axe-core on every dashboard page, with data in it.

Each page is loaded with content (test sets, cases, prompts, two finished runs, an API key),
axe-core (web/node_modules/axe-core, pinned in web/package.json) is injected and run with the
WCAG 2.x A and AA rules, and any violation of impact serious or critical fails the test with
its rule, help text and the elements it found. Lesser findings, and axe's best-practice rules
(run alongside), are printed, not failed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, ViewportSize, expect

from browser.api_calls import call, finished_run
from browser.axe import Audit
from browser.capitals import CAPITALS, answers
from browser.servers import AssayUp, SupabaseAuthStub
from fakes.openrouter import FakeOpenRouter

NARROW: ViewportSize = {"width": 400, "height": 800}
CSV = "country,__expected\nSpain,contains:Madrid\nPeru,contains:Lima\n"
MODELS = ("openrouter:openai/gpt-4o-mini", "openrouter:anthropic/claude-3.5-haiku")


@dataclass(frozen=True)
class Seeded:
    """What `seed` stored: a test set with two versions, a prompt with two, two runs."""

    test_set: str
    prompt: str
    first: str
    second: str


def seed(base: str, fake: FakeOpenRouter) -> Seeded:
    """Stores, over the API, data for every page to show; the runs are finished on return."""
    cases = [
        {"description": f"Capital of {country}", "vars": {"country": country},
         "assert": [{"type": "contains", "value": capital}]}
        for country, capital in list(CAPITALS.items())[:3]
    ]  # fmt: skip
    test_set = call(base, "/test-sets", {"name": "Capitals", "cases": cases})["id"]
    call(base, f"/test-sets/{test_set}/cases", {
        "description": "Capital of Chile", "vars": {"country": "Chile"},
        "assert": [{"type": "contains", "value": "Santiago"}],
    })  # fmt: skip
    prompt = call(base, "/prompts", {"name": "capital", "text": "Capital of {{country}}?"})
    version = call(
        base, f"/prompts/{prompt['id']}/versions",
        {"text": "What is the capital of {{country}}? Answer in one sentence."},
    )["version"]["id"]  # fmt: skip
    run = {
        "name": "Capitals, two models",
        "test_set_id": test_set,
        "prompt_version_ids": [version],
        "models": [{"id": m} for m in MODELS],
    }
    fake.set(answers=answers(claude_knows={"France"}))
    first = finished_run(base, run)
    fake.set(answers=answers(claude_knows={"France", "Japan", "Chile"}))
    second = finished_run(base, run | {"name": "Capitals, again", "use_cache": False})
    call(base, "/api-keys", {"name": "CI pipeline"})
    return Seeded(test_set, str(prompt["id"]), first, second)


def loaded(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def test_every_page_passes_axe_wcag_a_and_aa(
    assay_up: AssayUp, fake_openrouter: FakeOpenRouter, page: Page, tmp_path: Path
) -> None:
    base = assay_up.url
    data = seed(base, fake_openrouter)
    audit = Audit(page)

    loaded(page, f"{base}/runs", "Runs")
    expect(page.get_by_role("link", name="Capitals, again", exact=True)).to_be_visible()
    audit.check("runs list")

    loaded(page, f"{base}/test-sets", "Test sets")
    expect(page.get_by_role("link", name="Capitals")).to_be_visible()
    audit.check("test sets list")

    loaded(page, f"{base}/test-sets/{data.test_set}", "Capitals")
    expect(page.get_by_role("grid", name="Cases")).to_contain_text("Chile")
    audit.check("test set cases")

    page.get_by_role("button", name="Edit case 1").click()
    expect(page.get_by_role("form", name="Edit case 1")).to_be_visible()
    audit.check("case editor")
    page.get_by_role("button", name="Cancel").click()

    page.get_by_role("tab", name="Import").click()
    csv_file = tmp_path / "more.csv"
    csv_file.write_text(CSV)
    page.get_by_label("File", exact=True).set_input_files(str(csv_file))
    expect(page.get_by_role("table", name="Preview of the first rows")).to_contain_text("Peru")
    audit.check("import dialog with a preview")

    ragged = tmp_path / "ragged.csv"
    ragged.write_text("country,__expected\nSpain\n")
    page.get_by_label("File", exact=True).set_input_files(str(ragged))
    expect(page.get_by_role("alert")).to_contain_text("Fix these lines before importing")
    audit.check("import dialog with bad lines")

    page.get_by_role("tab", name="Versions").click()
    expect(page.get_by_text("1 added · 0 removed")).to_be_visible()
    audit.check("test set versions")

    loaded(page, f"{base}/prompts", "Prompts")
    expect(page.get_by_role("link", name="capital")).to_be_visible()
    audit.check("prompts list")

    loaded(page, f"{base}/prompts/{data.prompt}", "capital")
    expect(page.get_by_label("Rendered preview")).to_contain_text("France")
    expect(page.get_by_text("every variable is present")).to_be_visible()
    audit.check("prompt editor")

    page.get_by_label("Chat messages").check()
    expect(page.get_by_role("textbox", name="Message 1")).to_be_visible()
    audit.check("prompt editor, chat messages")

    loaded(page, f"{base}/prompts/new", "New prompt")
    audit.check("new prompt")

    loaded(page, f"{base}/runs/new", "Launch a run")
    page.get_by_label("capital v2").check()
    page.get_by_label("Add a model by id").fill("openai/gpt-4o-mini")
    page.get_by_role("button", name="Add model").click()
    expect(page.get_by_test_id("call-count")).to_have_text("4")
    audit.check("launch page")

    check_run_page(page, base, data, audit)

    page.goto(f"{base}/runs/{data.second}/compare?base={data.first}")
    expect(page.get_by_test_id("count-improved")).to_have_text("2")
    expect(page.locator(".compare-item[data-change=improved]")).to_have_count(2)
    audit.check("compare page")

    loaded(page, f"{base}/settings", "Settings")
    expect(page.get_by_role("row", name=re.compile("CI pipeline"))).to_be_visible()
    page.get_by_label("Key name").fill("Notebook")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_test_id("new-key")).to_have_text(re.compile(r"^ak_"))
    audit.check("settings with a new key")

    loaded(page, f"{base}/no-such-page", "Page not found")
    audit.check("page not found")

    page.set_viewport_size(NARROW)
    check_run_page(page, base, data, audit, suffix=" at 400×800")
    loaded(page, f"{base}/test-sets/{data.test_set}", "Capitals")
    audit.check("test set cases at 400×800")
    loaded(page, f"{base}/runs/new", "Launch a run")
    audit.check("launch page at 400×800")

    audit.assert_clean()


def check_run_page(page: Page, base: str, data: Seeded, audit: Audit, suffix: str = "") -> None:
    """The finished second run: summary, charts, results grid; then one cell in full view."""
    loaded(page, f"{base}/runs/{data.second}", "Capitals, again")
    expect(page.locator(".title-row .badge")).to_have_text("completed")
    grid = page.get_by_role("grid", name="Results")
    expect(grid).to_contain_text("The capital of Italy is Rome.")
    expect(page.get_by_role("img", name=re.compile("^Pass rate by model"))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("calls per bucket"))).to_have_count(2)
    audit.check("finished run" + suffix)

    page.get_by_label("Show", exact=True).select_option("failed")
    expect(page.get_by_text("1 matching case ×")).to_be_visible()
    audit.check("finished run, failed only" + suffix)
    page.get_by_label("Show", exact=True).select_option("")
    expect(grid).to_contain_text("The capital of France is Paris.")  # every case again

    grid.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    cell = page.get_by_role("dialog")
    expect(cell.get_by_role("heading", level=2)).to_contain_text("anthropic/claude-3.5-haiku")
    cell.get_by_text("Compare with the expected text side by side").click()
    expect(cell.get_by_text("Expected (contains)")).to_be_visible()
    audit.check("a cell in full view" + suffix)
    cell.get_by_role("button", name="Close").click()
    expect(cell).to_be_hidden()


@pytest.fixture
def supabase() -> Iterator[SupabaseAuthStub]:
    stub = SupabaseAuthStub("accessibility-secret-long-enough-for-hs256-0123", "a@b.c", "pw")
    yield stub
    stub.close()


def test_the_sign_in_pages_pass_axe(
    start_assay: Callable[..., AssayUp], supabase: SupabaseAuthStub, page: Page
) -> None:
    server = start_assay(SUPABASE_JWT_SECRET="accessibility-secret-long-enough-for-hs256-0123")
    audit = Audit(page)

    loaded(page, f"{server.url}/runs", "Sign in to Assay")
    expect(page.get_by_label("API key")).to_be_visible()
    audit.check("sign in with an API key")
    page.get_by_label("API key").fill("ak_notreal_notreal")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("invalid or revoked")
    audit.check("sign in, refused")

    config = json.dumps({"supabaseUrl": supabase.url, "supabaseAnonKey": "anon-key"})
    page.route(
        "**/config.json",
        lambda route: route.fulfill(status=200, body=config, content_type="application/json"),
    )
    loaded(page, f"{server.url}/runs", "Sign in to Assay")
    page.get_by_label("Email").fill("a@b.c")
    page.get_by_label("Password", exact=True).fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Invalid login credentials")
    audit.check("sign in with a password, refused")

    page.set_viewport_size(NARROW)
    audit.check("sign in at 400×800")
    audit.assert_clean()


def test_the_results_grid_while_it_loads_passes_axe(
    assay_up: AssayUp, fake_openrouter: FakeOpenRouter, page: Page
) -> None:
    data = seed(assay_up.url, fake_openrouter)
    held: list[Route] = []  # results requests left unanswered, so the grid shows its skeletons
    page.route(re.compile(r"/v1/runs/[^/]+/results"), lambda route: held.append(route))
    loaded(page, f"{assay_up.url}/runs/{data.second}", "Capitals, again")
    grid = page.get_by_role("grid", name="Results")
    expect(grid.locator(".skeleton").first).to_be_visible()
    expect(grid).to_have_attribute("aria-busy", "true")
    assert held, "the grid asked for no results"
    audit = Audit(page)
    audit.check("finished run, results loading")
    audit.assert_clean()
