"""The run page: progress wording, charts on a phone, an errored cell, exports, error pages."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from playwright.sync_api import APIResponse, ConsoleMessage, Dialog, Page, Request, Route, expect

from browser.api_calls import call, finished_run
from browser.seeding import Shape, output_of, seed_run
from browser.servers import AssayUp

PHONE = {"width": 390, "height": 844}


def workspace_of(server: AssayUp) -> str:
    with urllib.request.urlopen(f"{server.url}/v1/me", timeout=10) as answer:
        return str(json.loads(answer.read())["workspace_id"])


def cancelled_run(database_url: str, server: AssayUp) -> str:
    """20 cells (10 cases × 2 models): cases 0–4 answered (7 pass, 3 fail an assertion), case
    5's two calls ended in an error, cases 6–9 were cancelled before they were called."""
    run = seed_run(database_url, workspace_of(server), Shape(cases=10, prompts=1, models=2),
                   name="stopped early", status="cancelled")  # fmt: skip
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute(
            "update cells set state = 'failed', error = 'provider said no (402)' "
            "where run_id = %s and case_position = 5",
            (run,),
        )
        conn.execute(
            "update results set error = 'provider said no (402)', error_code = 'provider', "
            "output = null, passed = null, score = null, grading = null, cost = 0 "
            "where run_id = %s and case_position = 5",
            (run,),
        )
        conn.execute("delete from results where run_id = %s and case_position >= 6", (run,))
        conn.execute(
            "update cells set state = 'cancelled' where run_id = %s and case_position >= 6",
            (run,),
        )
        conn.execute("update runs set summary = null where id = %s", (run,))
    return run


def test_a_cancelled_run_says_how_far_it_got_and_what_became_of_each_cell(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    run = cancelled_run(database_url, assay_up)
    page.goto(f"{assay_up.url}/runs/{run}")
    expect(page.locator(".title-row .badge")).to_have_text("cancelled")
    # 12 of 20 cells were called; the 8 never called are counted apart, not as finished.
    expect(page.get_by_test_id("progress-done")).to_have_text("12 / 20")
    expect(page.get_by_test_id("progress-passed")).to_have_text("7")
    expect(page.get_by_test_id("progress-failed")).to_have_text("3")
    expect(page.get_by_test_id("progress-errors")).to_have_text("2")
    expect(page.get_by_test_id("progress-cancelled")).to_have_text("8")
    panel = page.get_by_role("region", name="Progress")
    expect(panel.get_by_text("Cancelled at", exact=True)).to_be_visible()
    expect(page.get_by_test_id("progress-percent")).to_have_text("60%")
    expect(panel).not_to_contain_text("Complete")
    bar = page.get_by_role("progressbar", name="Cells finished")
    expect(bar).to_have_attribute("aria-valuenow", "12")
    expect(bar).to_have_attribute(
        "aria-valuetext", "12 of 20 cells finished: 7 passed, 3 failed, 2 errors, 8 cancelled"
    )
    # Each bar segment has the colour of the swatch beside its label.
    for key in ("passed", "failed", "errors", "cancelled"):
        segment = bar.locator(f".seg-{key}")
        swatch = panel.locator(f"dt .seg-{key}")
        colour = "el => getComputedStyle(el).backgroundImage + getComputedStyle(el).backgroundColor"
        assert segment.evaluate(colour) == swatch.evaluate(colour), key
    expect(page.locator(".title-row")).to_contain_text("20 cells")


def test_an_errored_cell_shows_the_error_and_its_assertions_as_not_evaluated(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    run = cancelled_run(database_url, assay_up)
    page.goto(f"{assay_up.url}/runs/{run}")
    errored = page.locator("#cell-5-0")
    expect(errored).to_contain_text("provider said no (402)")
    errored.dblclick()
    cell = page.get_by_role("dialog")
    expect(cell.get_by_role("heading", name="The call failed")).to_be_visible()
    expect(cell).to_contain_text("provider said no (402)")
    assertions = cell.get_by_role("table")
    expect(assertions.get_by_role("row", name=re.compile("contains"))).to_contain_text(
        re.compile(r"contains\s*answer 5\s*not evaluated")
    )
    expect(cell).not_to_contain_text("No assertions")
    expect(cell.get_by_text("Expected (contains)")).to_have_count(0)  # no diff with nothing
    expect(cell.get_by_text("No output: the call ended in the error above.")).to_be_visible()
    cell.get_by_role("button", name="Close").click()
    expect(cell).to_be_hidden()

    page.locator("#cell-1-0").dblclick()  # an answer: graded, the expected text marked in it
    expect(cell.get_by_text("Holds “answer 1”, marked below.")).to_be_visible()
    expect(cell.locator("mark")).to_have_text("answer 1")
    cell.get_by_text("Compare with the expected text side by side").click()
    expect(cell.get_by_text("Expected (contains)")).to_be_visible()
    expect(
        cell.get_by_role("table").get_by_role("row", name=re.compile("contains"))
    ).to_contain_text(re.compile(r"contains\s*answer 1\s*pass"))


def put_cells_in_flight(conn: psycopg.Connection[Any], run: str) -> None:
    """Every cell of `run` leased, its results set aside (in a temp table) for answer_cells."""
    conn.execute("create temp table answers as select * from results where run_id = %s", (run,))
    conn.execute("delete from results where run_id = %s", (run,))
    conn.execute("update cells set state = 'leased' where run_id = %s", (run,))


def answer_cells(conn: psycopg.Connection[Any], run: str) -> None:
    """The results set aside by put_cells_in_flight stored, and every cell done."""
    conn.execute("insert into results select * from answers")
    conn.execute("update cells set state = 'done' where run_id = %s", (run,))


@pytest.mark.parametrize("model", ["", "openrouter:anthropic/claude-3.5-haiku"])
def test_results_asked_for_while_the_run_was_live_are_asked_for_again_once_it_ends(
    page: Page, assay_up: AssayUp, database_url: str, model: str
) -> None:
    """A results page that answers after the run's last count moved holds cells still in flight;
    the run's counts will not move again to refresh it, so the grid must ask again itself.
    Unfiltered, the grid fetches blocks by position; filtered by a model, page after page."""
    run = seed_run(database_url, workspace_of(assay_up), Shape(cases=3, prompts=1, models=2),
                   name="ends while you look", status="running")  # fmt: skip
    held: list[tuple[Route, APIResponse]] = []
    holding = [True]

    def results(route: Route) -> None:
        # While holding, a request is answered now (cells in flight) but delivered later.
        if holding[0]:
            held.append((route, route.fetch()))
        else:
            route.continue_()

    with psycopg.connect(database_url, autocommit=True) as conn:
        put_cells_in_flight(conn, run)
        page.route(re.compile(rf"/v1/runs/{run}/results"), results)
        page.goto(f"{assay_up.url}/runs/{run}")
        expect(page.locator(".title-row .badge")).to_have_text("running")
        if model:
            page.get_by_label("Model", exact=True).select_option(model)
        for _ in range(200):
            if any("provider=" in r.request.url or not model for r, _ in held):
                break
            page.wait_for_timeout(50)
        assert held, "the grid never asked for results"
        assert not model or "provider=" in held[-1][0].request.url, "no filtered request held"

        answer_cells(conn, run)
        conn.execute(
            "update runs set status = 'completed', finished_at = now() where id = %s", (run,)
        )
        expect(page.locator(".title-row .badge")).to_have_text("completed")
        expect(page.get_by_test_id("progress-done")).to_have_text("6 / 6")
        holding[0] = False
        for route, answer in held:
            route.fulfill(response=answer)

    grid = page.get_by_role("grid", name="Results")
    expect(grid).to_contain_text(output_of(2, 0, 1, 0))
    expect(grid).not_to_contain_text("leased")


def test_unknown_and_malformed_run_addresses_get_a_page_that_says_so_and_leads_back(
    page: Page, assay_up: AssayUp
) -> None:
    missing = str(uuid.uuid4())
    asked: list[str] = []

    def record(request: Request) -> None:
        if request.url.endswith(f"/v1/runs/{missing}"):
            asked.append(request.url)

    page.on("request", record)
    page.goto(f"{assay_up.url}/runs/{missing}")
    expect(page.get_by_role("heading", name="Run not found", level=1)).to_be_visible()
    expect(page.get_by_text("belongs to a workspace you are not a member of")).to_be_visible()
    technical = page.get_by_text(f"run {missing} not found")
    expect(technical).to_be_hidden()  # the API's words wait under "Technical details"
    page.get_by_text("Technical details").click()
    expect(technical).to_be_visible()
    # A 404 will not turn into a run by asking again: the page stops polling.
    page.wait_for_timeout(2500)
    assert len(asked) == 1, f"asked {len(asked)} times for a run that does not exist"

    page.goto(f"{assay_up.url}/runs/not-a-run")
    expect(page.get_by_role("heading", name="No such run", level=1)).to_be_visible()
    expect(page.get_by_text("This address does not name a run")).to_be_visible()
    expect(page.get_by_text("Input should be a valid UUID")).to_be_hidden()
    page.get_by_role("link", name="All runs").click()
    expect(page).to_have_url(f"{assay_up.url}/runs")
    expect(page.get_by_role("heading", name="Runs", level=1)).to_be_visible()

    page.goto(f"{assay_up.url}/no/such/page")
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()
    page.get_by_role("link", name="Go to the runs").click()
    expect(page).to_have_url(f"{assay_up.url}/runs")


def test_a_failed_export_is_shown_beside_the_control_and_a_good_one_downloads(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    run = seed_run(database_url, workspace_of(assay_up), Shape(cases=3, prompts=1, models=2))
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    failing = json.dumps({"error": {"code": "internal", "message": "export broke"}})

    def fail(route: Route) -> None:
        route.fulfill(status=500, body=failing, content_type="application/json")

    page.route(re.compile(r"/v1/runs/[^/]+/export"), fail)
    page.goto(f"{assay_up.url}/runs/{run}")
    page.get_by_label("Export results").select_option("csv")
    alert = page.get_by_role("alert").filter(has_text="The export failed")
    expect(alert).to_contain_text("The server ran into a problem")
    assert not dialogs, f"a native dialog opened: {dialogs}"
    alert.get_by_role("button", name="Dismiss").click()
    expect(alert).to_have_count(0)

    page.unroute(re.compile(r"/v1/runs/[^/]+/export"))
    with page.expect_download() as download:
        page.get_by_label("Export results").select_option("jsonl")
    saved = download.value
    assert saved.suggested_filename == "seeded.jsonl"
    lines = [json.loads(line) for line in Path(saved.path()).read_text().splitlines() if line]
    assert len(lines) == 6
    expect(page.get_by_role("alert")).to_have_count(0)


def test_the_charts_stay_readable_on_a_phone(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    run = seed_run(database_url, workspace_of(assay_up), Shape(cases=6, prompts=2, models=3))
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    page.goto(f"{assay_up.url}/runs/{run}")
    legend = page.locator(".chart-legend li")
    expect(legend).to_have_count(6)
    expect(legend.first).to_contain_text("gpt-4o-mini · prompt v1")
    rates = page.get_by_role("img", name=re.compile("^Pass rate by model"))
    expect(rates).to_contain_text("claude-3.5-haiku")
    expect(rates).not_to_contain_text("…")
    expect(page.get_by_role("img", name=re.compile("calls per bucket"))).to_have_count(6)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"
    # Every SVG label is drawn at 11 px or more once the SVG is scaled to its box.
    sizes: list[dict[str, Any]] = page.evaluate(
        """() => [...document.querySelectorAll('.chart svg text')].map((t) => {
            const svg = t.ownerSVGElement;
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return { text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale };
        })"""
    )
    assert sizes, "no chart text drawn"
    small = [s for s in sizes if s["px"] < 11]
    assert not small, f"chart text under 11 px: {small[:5]}"
    # Both prompts of a model share a spot (the seeded pass rate ignores the prompt): one label
    # per spot, numbered as in the list, and no two labels cover each other.
    labels = page.locator(".chart .dot-label")
    expect(labels).to_have_count(3)
    assert sorted(labels.all_text_contents()) == ["1, 4", "2, 5", "3, 6"]
    boxes = [b for b in (label.bounding_box() for label in labels.all()) if b]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, f"labels overlap: {a} {b}"


def test_the_launch_form_fits_a_phone_and_its_bar_covers_nothing(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    seed_run(database_url, workspace_of(assay_up), Shape(cases=2, prompts=1, models=1))
    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    page.goto(f"{assay_up.url}/runs/new")
    expect(page.get_by_role("heading", name="Launch a run")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"
    for control in (page.get_by_label("Repeats"), page.get_by_label("Reuse cached answers")):
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    search = page.get_by_label("Search models")
    search.scroll_into_view_if_needed()
    box = search.bounding_box()
    assert box
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.getAttribute('placeholder')",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top == search.get_attribute("placeholder"), "something covers Search models"


def test_a_page_load_logs_no_console_error(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    run = seed_run(database_url, workspace_of(assay_up), Shape(cases=2, prompts=1, models=1))
    errors: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} {message.location.get('url', '')}")

    page.on("console", record)
    for path in ("/runs", f"/runs/{run}", "/settings"):
        page.goto(f"{assay_up.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not errors, f"console errors: {errors}"


def test_the_grid_filters_are_kept_in_the_address(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    run = seed_run(database_url, workspace_of(assay_up), Shape(cases=6, prompts=1, models=2))
    claude = Shape(cases=6, prompts=1, models=2).model_label(1)
    page.goto(f"{assay_up.url}/runs/{run}")
    grid = page.get_by_role("grid", name="Results")
    expect(grid.get_by_role("row")).to_have_count(7)
    again = page.get_by_role("link", name="Run again")  # from the run itself, as from the list
    expect(again).to_have_attribute("href", f"/runs/new?from={run}")
    page.get_by_label("Show", exact=True).select_option("failed")
    page.get_by_label("Model", exact=True).select_option(claude)
    expect(page).to_have_url(re.compile(r"show=failed"))
    # model 1 fails where (case + 1) % 3 == 0: cases 2 and 5
    expect(grid.get_by_role("row")).to_have_count(3)
    page.reload()
    expect(page.get_by_label("Show", exact=True)).to_have_value("failed")
    expect(page.get_by_label("Model", exact=True)).to_have_value(claude)
    expect(grid.get_by_role("row")).to_have_count(3)
    expect(grid).to_contain_text(output_of(5, 0, 1, 0))
    # Values no run can have in the address are no filter at all.
    page.goto(f"{assay_up.url}/runs/{run}?show=bogus&model=nobody")
    expect(page.get_by_label("Show", exact=True)).to_have_value("")
    expect(grid.get_by_role("row")).to_have_count(7)


def test_compare_with_offers_runs_of_the_same_test_set_first_however_old(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    base = assay_up.url
    cases = [{"vars": {"word": "kiwi"}, "assert": [{"type": "contains", "value": "kiwi"}]}]
    test_set = call(base, "/test-sets", {"name": "Fruit", "cases": cases})
    prompt = call(base, "/prompts", {"name": "say", "text": "{{word}}"})
    body = {"test_set_id": test_set["id"], "prompt_version_ids": [prompt["latest_version"]["id"]],
            "models": [{"id": "local:echo"}]}  # fmt: skip
    old = finished_run(base, {**body, "name": "fruit first"})
    latest = finished_run(base, {**body, "name": "fruit second"})
    one = Shape(cases=1, prompts=1, models=1)
    for i in range(101):  # newer runs of other test sets: the first run is not among the 100 newest
        seed_run(database_url, workspace_of(assay_up), one, name=f"other {i}")
    page.goto(f"{base}/runs/{latest}")
    picker = page.get_by_label("Compare with")
    group = picker.locator("optgroup[label='Runs of Fruit']")
    expect(group.locator("option")).to_have_count(1)
    expect(group.locator("option")).to_have_text(re.compile("^fruit first"))
    expect(picker.locator("optgroup[label='Other runs'] option")).to_have_count(100)
    picker.select_option(old)
    expect(page).to_have_url(re.compile(f"/runs/{latest}/compare\\?base={old}$"))


def test_on_a_phone_an_assertions_reason_stays_readable(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    run = seed_run(database_url, workspace_of(assay_up), Shape(cases=3, prompts=1, models=2))
    page.set_viewport_size(PHONE)
    page.goto(f"{assay_up.url}/runs/{run}")
    page.locator("#cell-0-0").dblclick()
    reason = page.get_by_role("dialog").locator("td.assert-reason").first
    expect(reason).to_contain_text("Expected output to contain")
    box = reason.bounding_box()
    assert box is not None and box["width"] >= 160, box  # 12rem, not 2–3 letters a line


def test_an_answer_older_than_the_last_counts_is_asked_for_again_when_the_run_ends(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    """The page opens when every cell is done but the run is not yet marked completed, and its
    first results answer predates those counts (a prefetch the server answered first): the
    counts never move again, so the run's end must make the grid ask anew."""
    run = seed_run(database_url, workspace_of(assay_up), Shape(cases=3, prompts=1, models=2),
                   name="ends as you open it", status="running")  # fmt: skip
    captured: list[APIResponse] = []
    serve_stale = [False]

    def results(route: Route) -> None:
        if not captured:
            captured.append(route.fetch())  # cells in flight
            route.fulfill(response=captured[0])
        elif serve_stale[0]:
            serve_stale[0] = False
            route.fulfill(response=captured[0])
        else:
            route.continue_()

    with psycopg.connect(database_url, autocommit=True) as conn:
        put_cells_in_flight(conn, run)
        page.route(re.compile(rf"/v1/runs/{run}/results"), results)
        page.goto(f"{assay_up.url}/runs/{run}")
        expect(page.locator(".title-row .badge")).to_have_text("running")
        expect(page.locator("#cell-0-0")).to_contain_text("leased")

        # Every cell done, the run still running: the page is opened again and its first
        # results answer is the one from before.
        answer_cells(conn, run)
        serve_stale[0] = True
        page.reload()
        expect(page.get_by_test_id("progress-done")).to_have_text("6 / 6")
        expect(page.locator("#cell-0-0")).to_contain_text("leased")
        assert not serve_stale[0], "the stale answer was not served"
        conn.execute(
            "update runs set status = 'completed', finished_at = now() where id = %s", (run,)
        )
        expect(page.locator(".title-row .badge")).to_have_text("completed")

    grid = page.get_by_role("grid", name="Results")
    expect(grid).to_contain_text(output_of(2, 0, 1, 0))
    expect(grid).not_to_contain_text("leased")
