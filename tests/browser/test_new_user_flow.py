"""A new user's first hour in the dashboard: import, prompt, run on two models, read, compare."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from browser.capitals import answers
from browser.servers import AssayUp
from fakes.openrouter import FakeOpenRouter

CSV = "country,__expected\nFrance,contains:Paris\nJapan,contains:Tokyo\nItaly,contains:Rome\n"
RUN_TIMEOUT_MS = 90_000


def create_test_set(
    page: Page, base: str, csv_file: Path, shot: Callable[[Page, str], Path]
) -> None:
    page.goto(f"{base}/test-sets")
    expect(page.get_by_text("No test sets yet")).to_be_visible()
    page.get_by_label("New test set").fill("Capitals")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Capitals")).to_be_visible()
    page.get_by_role("tab", name="Import").click()
    page.get_by_label("File", exact=True).set_input_files(str(csv_file))
    expect(page.get_by_text("3 cases read from capitals.csv")).to_be_visible()
    expect(page.get_by_role("table", name="Preview of the first rows")).to_contain_text("Japan")
    shot(page, "import-preview")
    page.get_by_role("button", name="Import 3 cases").click()
    grid = page.get_by_role("grid", name="Cases")
    expect(grid).to_contain_text("Italy")
    expect(page.get_by_text("3 cases · version 2")).to_be_visible()
    shot(page, "test-set")


def write_prompt(page: Page, base: str, shot: Callable[[Page, str], Path]) -> None:
    page.goto(f"{base}/prompts/new")
    page.get_by_label("Name", exact=True).fill("capital")
    page.get_by_label("Template", exact=True).fill("What is the capital of {{country}}?")
    expect(page.locator("code.chip", has_text="country")).to_be_visible()
    expect(page.get_by_label("Rendered preview")).to_have_text("What is the capital of France?")
    page.get_by_role("button", name="Create prompt").click()
    expect(page).to_have_url(re.compile(r"/prompts/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name="capital")).to_be_visible()
    expect(page.get_by_text("every variable is present")).to_be_visible()
    shot(page, "prompt-editor")


def launch_run(
    page: Page, base: str, *, use_cache: bool, shot: Callable[[Page, str], Path] | None
) -> str:
    page.goto(f"{base}/runs/new")
    page.get_by_label("capital v1").check()
    status = page.get_by_test_id("catalog-status")
    if shot:  # the first launch: nothing cached yet
        expect(status).to_contain_text("No OpenRouter models cached yet")
        page.get_by_role("button", name="Refresh from OpenRouter").click()
        expect(page.get_by_role("status").filter(has_text="models cached")).to_have_text(
            "3 models cached"
        )
    expect(status).to_contain_text("OpenRouter catalog from")
    # One model picked from the searched catalog, one typed by id: both carry their prices.
    page.get_by_label("Search models").fill("gpt-4o")
    page.get_by_label("openrouter:openai/gpt-4o-mini").check()
    page.get_by_label("Search models").fill("")
    page.get_by_label("Add a model by id").fill("anthropic/claude-3.5-haiku")
    page.get_by_role("button", name="Add model").click()
    expect(
        page.get_by_role("button", name="Remove openrouter:anthropic/claude-3.5-haiku")
    ).to_be_visible()
    expect(page.get_by_test_id("cost-estimate")).to_have_text(re.compile(r"^\$\d"))
    expect(page.get_by_test_id("cost-basis")).to_have_text("· answers up to 256 tokens")
    expect(page.get_by_test_id("cost-unpriced")).to_have_count(0)  # both models have prices
    if not use_cache:
        page.get_by_label("Reuse cached answers").uncheck()
    expect(page.get_by_test_id("call-count")).to_have_text("6")
    if shot:
        shot(page, "launch")
    page.get_by_role("button", name="Start run").click()
    expect(page).to_have_url(re.compile(r"/runs/[0-9a-f-]{36}$"))
    expect(page.locator(".title-row .badge")).to_have_text("completed", timeout=RUN_TIMEOUT_MS)
    expect(page.get_by_test_id("progress-done")).to_have_text("6 / 6")
    return page.url.rsplit("/", 1)[1]


def test_a_new_user_imports_prompts_runs_filters_opens_and_compares(
    assay_up: AssayUp,
    fake_openrouter: FakeOpenRouter,
    page: Page,
    tmp_path: Path,
    shot: Callable[[Page, str], Path],
) -> None:
    base = assay_up.url
    csv_file = tmp_path / "capitals.csv"
    csv_file.write_text(CSV)
    fake_openrouter.set(answers=answers(claude_knows={"France"}))

    page.goto(base)
    expect(page.get_by_text("No runs yet")).to_be_visible()
    create_test_set(page, base, csv_file, shot)
    write_prompt(page, base, shot)
    first = launch_run(page, base, use_cache=True, shot=shot)
    # Claude misses two capitals: two failed assertions, no call in error.
    expect(page.get_by_test_id("progress-passed")).to_have_text("4")
    expect(page.get_by_test_id("progress-failed")).to_have_text("2")
    expect(page.get_by_test_id("progress-errors")).to_have_text("0")

    summary = page.get_by_role("table", name="Summary per prompt and model")
    expect(summary.get_by_role("row", name=re.compile("gpt-4o-mini"))).to_contain_text("100.0%")
    expect(summary.get_by_role("row", name=re.compile("claude"))).to_contain_text("33.3%")
    expect(page.get_by_role("img", name=re.compile("^Pass rate by model"))).to_be_visible()
    grid = page.get_by_role("grid", name="Results")
    expect(grid.get_by_role("row")).to_have_count(4)  # header + three cases
    expect(grid).to_contain_text("The capital of Italy is Rome.")
    expect(grid.get_by_role("gridcell").filter(has_text="fail")).to_have_count(2)
    shot(page, "run")

    page.get_by_label("Show", exact=True).select_option("failed")
    expect(page.get_by_text("2 matching cases")).to_be_visible()
    expect(grid).not_to_contain_text("France")
    expect(grid).to_contain_text('Expected output to contain "Tokyo"')

    grid.focus()
    page.keyboard.press("ArrowRight")  # from gpt-4o-mini's column to claude's
    page.keyboard.press("Enter")
    cell = page.get_by_role("dialog")
    expect(cell.get_by_role("heading", level=2)).to_contain_text("anthropic/claude-3.5-haiku")
    # Claude misses Japan's capital: the answer does not hold it; side by side shows how.
    expect(cell.get_by_text("Does not hold “Tokyo”.")).to_be_visible()
    expect(cell.locator("mark")).to_have_count(0)
    cell.get_by_text("Compare with the expected text side by side").click()
    expect(cell.get_by_text("Expected (contains)")).to_be_visible()
    expect(cell.locator("ins")).not_to_have_count(0)
    shot(page, "cell")
    cell.get_by_role("button", name="Close").click()
    expect(cell).to_be_hidden()

    fake_openrouter.set(answers=answers(claude_knows={"France", "Japan"}))
    second = launch_run(page, base, use_cache=False, shot=None)
    page.get_by_label("Compare with").select_option(first)
    expect(page).to_have_url(re.compile(f"/runs/{second}/compare\\?base={first}$"))
    expect(page.get_by_test_id("count-improved")).to_have_text("1")
    expect(page.get_by_test_id("count-regressed")).to_have_text("0")
    improved = page.locator(".compare-item[data-change=improved]")
    expect(improved).to_have_count(1)
    expect(improved).to_contain_text("The capital of Japan is Tokyo.")
    expect(improved).to_contain_text("The capital is Paris.")
    deltas = page.get_by_role("table", name="Pass rate before and after, per prompt and model")
    claude = deltas.get_by_role("row", name=re.compile("claude"))
    expect(claude.get_by_role("cell")).to_have_text(
        ["capital v1", "openrouter:anthropic/claude-3.5-haiku", "33.3%", "66.7%", "+33.3 pts",
         re.compile(r"^\$"), re.compile(r"^\$")]
    )  # fmt: skip
    expect(deltas.get_by_role("row", name=re.compile("gpt-4o-mini"))).to_contain_text("±0 pts")
    shot(page, "compare")
    page.get_by_label("Model", exact=True).select_option("openrouter:openai/gpt-4o-mini")
    expect(page).to_have_url(re.compile("model=openrouter"))
    expect(page.get_by_test_id("count-improved")).to_have_text("0")
    expect(page.get_by_test_id("count-unchanged")).to_have_text("3")
    expect(deltas.get_by_role("row")).to_have_count(2)  # header + gpt-4o-mini

    # The lists: both runs, the test set with its cases, version and last run, the prompt.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Runs").click()
    runs = page.get_by_role("table")
    expect(runs.get_by_role("row")).to_have_count(3)  # header + two runs
    expect(runs.get_by_text("completed")).to_have_count(2)
    shot(page, "runs")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Test sets").click()
    cells = page.get_by_role("row", name=re.compile("Capitals")).get_by_role("cell")
    expect(cells).to_have_text(["Capitals", "3", "v2", re.compile(r"\S")])
    expect(cells.nth(3).get_by_role("link")).to_have_attribute("href", f"/runs/{second}")
    shot(page, "test-sets")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Prompts").click()
    expect(page.get_by_role("row", name=re.compile("capital"))).to_be_visible()
    shot(page, "prompts")


def test_settings_creates_and_revokes_an_api_key(
    assay_up: AssayUp, page: Page, shot: Callable[[Page, str], Path]
) -> None:
    page.goto(f"{assay_up.url}/settings")
    expect(page.get_by_text("Local single-user mode")).to_be_visible()
    expect(page.get_by_text("No API keys")).to_be_visible()
    page.get_by_label("Key name").fill("CI pipeline")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_test_id("new-key")).to_have_text(re.compile(r"^ak_"))
    row = page.get_by_role("row", name=re.compile("CI pipeline"))
    expect(row).to_be_visible()
    shot(page, "settings")
    page.once("dialog", lambda d: d.accept())
    row.get_by_role("button", name="Revoke").click()
    expect(row).to_contain_text("revoked")
