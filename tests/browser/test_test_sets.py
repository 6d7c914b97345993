"""A test set's page by keyboard and on a phone: case grid, case editor, rename and delete."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from playwright.sync_api import Dialog, Locator, Page, Request, Route, ViewportSize, expect

from assay.domain.assertions.registry import SUPPORTED_TYPES
from browser.api_calls import call
from browser.axe import Audit
from browser.servers import AssayUp

CASES = [
    {"description": "capital fr", "vars": {"country": "France"},
     "assert": [{"type": "contains", "value": "Paris"}]},
    {"description": "capital jp", "vars": {"country": "Japan"},
     "assert": [{"type": "contains", "value": "Tokyo"}]},
    {"description": "capital it", "vars": {"country": "Italy"},
     "assert": [{"type": "icontains", "value": "rome"}]},
]  # fmt: skip
PHONE: ViewportSize = {"width": 390, "height": 844}


def seed(base: str, name: str = "Capitals") -> str:
    return str(call(base, "/test-sets", {"name": name, "cases": CASES})["id"])


def cases_of(base: str, set_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = call(base, f"/test-sets/{set_id}/cases")["items"]
    return items


def open_grid(page: Page, base: str, set_id: str) -> Locator:
    page.goto(f"{base}/test-sets/{set_id}")
    grid = page.get_by_role("grid", name="Cases")
    expect(grid).to_contain_text("capital it")
    return grid


def cell(grid: Locator, row: int, col: int) -> Locator:
    return grid.locator(f'[data-cell="{row}:{col}"]')


def ring(locator: Locator) -> str:
    return str(locator.evaluate("(el) => getComputedStyle(el).boxShadow"))


def column_widths(grid: Locator) -> list[float]:
    widths: list[float] = grid.locator("thead th").evaluate_all(
        "(ths) => ths.map((th) => th.getBoundingClientRect().width)"
    )
    return widths


def test_the_grid_keeps_focus_through_edits_the_editor_deletes_and_adds(
    assay_up: AssayUp, page: Page
) -> None:
    base = assay_up.url
    set_id = seed(base)
    grid = open_grid(page, base, set_id)

    # The active cell is marked only while the grid has focus.
    expect(cell(grid, 0, 0)).to_have_attribute("tabindex", "0")
    assert ring(cell(grid, 0, 0)) == "none"
    cell(grid, 0, 0).click()
    expect(cell(grid, 0, 0)).to_be_focused()
    assert ring(cell(grid, 0, 0)) != "none"

    # Enter edits in place without moving the columns; Enter saves and focus stays on the cell.
    page.keyboard.press("ArrowRight")
    expect(cell(grid, 0, 1)).to_be_focused()
    before = column_widths(grid)
    page.keyboard.press("Enter")
    editor = grid.get_by_role("textbox", name="country of case 1")
    expect(editor).to_be_focused()
    editor.fill("République française, a much longer name than before")
    assert column_widths(grid) == before
    page.keyboard.press("Enter")
    expect(cell(grid, 0, 1)).to_have_text("République française, a much longer name than before")
    expect(cell(grid, 0, 1)).to_be_focused()
    assert cases_of(base, set_id)[0]["vars"]["country"].startswith("République")
    page.keyboard.press("ArrowDown")
    expect(cell(grid, 1, 1)).to_be_focused()

    # Escape in a cell cancels; Escape in the case editor goes back to the cell that opened it.
    page.keyboard.press("F2")
    expect(grid.get_by_role("textbox", name="country of case 2")).to_be_focused()
    page.keyboard.press("Escape")
    expect(cell(grid, 1, 1)).to_be_focused()
    page.keyboard.press("End")
    expect(cell(grid, 1, 2)).to_be_focused()
    page.keyboard.press("Enter")
    form = page.get_by_role("form", name="Edit case 2")
    expect(form.get_by_label("Description")).to_be_focused()
    page.keyboard.press("Escape")
    expect(form).to_be_hidden()
    expect(cell(grid, 1, 2)).to_be_focused()

    # Delete the last case: focus moves to the nearest cell left; cancelling deletes nothing.
    page.keyboard.press("ArrowDown")
    expect(cell(grid, 2, 2)).to_be_focused()
    page.once("dialog", lambda d: d.dismiss())
    page.keyboard.press("Delete")
    expect(cell(grid, 2, 2)).to_be_focused()
    page.once("dialog", lambda d: d.accept())
    page.keyboard.press("Delete")
    expect(grid.locator("tbody tr")).to_have_count(2)
    expect(cell(grid, 1, 2)).to_be_focused()
    # …and a case in the middle: focus stays on its row, now the next case.
    page.keyboard.press("ArrowUp")
    page.once("dialog", lambda d: d.accept())
    page.keyboard.press("Delete")
    expect(grid.locator("tbody tr")).to_have_count(1)
    expect(cell(grid, 0, 2)).to_be_focused()
    expect(cell(grid, 0, 0)).to_have_text("capital jp")
    assert [c["description"] for c in cases_of(base, set_id)] == ["capital jp"]

    # Insert adds a case; once saved, focus is on its row.
    expect(page.get_by_text("Insert (or +) adds a case")).to_be_visible()
    page.keyboard.press("Insert")
    form = page.get_by_role("form", name="New case")
    expect(form.get_by_label("Description")).to_be_focused()
    form.get_by_label("Description").fill("capital es")
    form.get_by_role("textbox", name="Value").first.fill("Spain")
    form.get_by_role("button", name="Save case").click()
    expect(form).to_be_hidden()
    expect(cell(grid, 1, 0)).to_have_text("capital es")
    expect(cell(grid, 1, 0)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(cell(grid, 0, 0)).to_be_focused()


def test_a_failed_cell_edit_keeps_the_text_and_says_why(assay_up: AssayUp, page: Page) -> None:
    base = assay_up.url
    set_id = seed(base)
    grid = open_grid(page, base, set_id)

    def server_down(route: Route, request: Request) -> None:
        if request.method == "PUT":
            route.abort()
        else:
            route.continue_()

    page.route("**/v1/test-sets/*/cases/*", server_down)
    cell(grid, 0, 0).click()
    page.keyboard.press("Enter")
    editor = grid.get_by_role("textbox", name="Description of case 1")
    editor.fill("typed while the server is down")
    page.keyboard.press("Enter")
    error = page.locator("#case-grid-error")
    expect(error).to_contain_text("Case 1, Description: not saved (Cannot reach the Assay API")
    expect(editor).to_have_value("typed while the server is down")
    expect(editor).to_have_attribute("aria-invalid", "true")
    expect(editor).to_be_focused()
    assert cases_of(base, set_id)[0]["description"] == "capital fr"

    page.unroute("**/v1/test-sets/*/cases/*")
    page.keyboard.press("Enter")
    expect(cell(grid, 0, 0)).to_have_text("typed while the server is down")
    expect(cell(grid, 0, 0)).to_be_focused()
    expect(error).to_be_empty()
    assert cases_of(base, set_id)[0]["description"] == "typed while the server is down"


def test_the_case_editor_offers_only_the_types_the_server_runs(
    assay_up: AssayUp, page: Page
) -> None:
    base = assay_up.url
    set_id = seed(base)
    open_grid(page, base, set_id)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.method) if r.method == "PUT" else None)
    page.get_by_role("button", name="Edit case 1").click()
    form = page.get_by_role("form", name="Edit case 1")
    form.get_by_role("button", name="Add assertion").click()
    kind = form.get_by_label("Type").nth(1)
    offered = kind.locator("option").all_inner_texts()
    assert set(offered) == SUPPORTED_TYPES - {"python", "not-python"}
    assert len(offered) == len(set(offered))

    kind.select_option("not-cost")
    form.get_by_role("button", name="Save case").click()
    expect(form.get_by_role("alert")).to_have_text(
        "Assertion 2: not-cost: not-cost needs a threshold"
    )
    expect(form.get_by_label("Threshold (required)")).to_be_focused()
    form.get_by_label("Threshold (required)").fill("0.01")
    form.get_by_role("button", name="Save case").click()
    expect(form).to_be_hidden()
    assert sent == ["PUT"]
    saved = cases_of(base, set_id)[0]["assert"]
    assert [(a["type"], a.get("threshold")) for a in saved] == [
        ("contains", None),
        ("not-cost", 0.01),
    ]


def test_the_filter_searches_cases_not_yet_loaded_and_pages_through_its_matches(
    assay_up: AssayUp, page: Page
) -> None:
    base = assay_up.url
    cases = [
        {
            "vars": {"city": f"town {i}", "country": "Chad" if i % 250 == 249 else "Peru"},
            "assert": [{"type": "icontains", "value": f"answer {i}"}],
        }
        for i in range(1_400)
    ]
    cases[1_300]["vars"]["rare"] = "needle in a haystack"  # a variable no loaded case has
    set_id = str(call(base, "/test-sets", {"name": "Many towns", "cases": cases})["id"])
    page.goto(f"{base}/test-sets/{set_id}")
    grid = page.get_by_role("grid", name="Cases")
    expect(grid).to_contain_text("town 0")
    expect(page.get_by_role("button", name="Load more cases")).to_be_visible()  # 500 loaded

    search = page.get_by_label("Filter cases")
    search.fill("chad")  # cases 249, 499, …, 1249: four of them beyond the first page
    status = page.locator("#case-filter-status")
    expect(status).to_have_text("5 of 1,400 cases match")
    expect(grid.locator("tbody tr")).to_have_count(5)
    expect(grid).to_contain_text("town 1249")
    search.fill("answer 1399")
    expect(status).to_have_text("1 of 1,400 cases matches")
    expect(grid).to_contain_text("town 1399")

    search.fill("needle")  # found beyond the loaded cases, with a column for its variable
    expect(status).to_have_text("1 of 1,400 cases matches")
    expect(grid.get_by_role("columnheader", name="rare")).to_be_visible()
    expect(grid).to_contain_text("needle in a haystack")
    search.fill("peru")  # 1,395 matches: the first 500, then more on demand
    expect(status).to_have_text("1,395 of 1,400 cases match (500 shown)")
    more = page.get_by_role("button", name="Load more matches")
    more.click()
    expect(status).to_have_text("1,395 of 1,400 cases match (1,000 shown)")
    more.click()
    expect(status).to_have_text("1,395 of 1,400 cases match")
    expect(more).to_have_count(0)
    search.fill("")
    expect(status).to_have_text("")
    expect(page.get_by_role("button", name="Load more cases")).to_be_visible()
    expect(grid.get_by_role("columnheader", name="rare")).to_have_count(0)


def test_filter_rename_and_delete_a_test_set(assay_up: AssayUp, page: Page) -> None:
    base = assay_up.url
    set_id = seed(base)
    grid = open_grid(page, base, set_id)
    expect(page).to_have_title("Capitals · Test sets · Assay")

    search = page.get_by_label("Filter cases")
    search.fill("JAPAN")
    expect(grid.locator("tbody tr")).to_have_count(1)
    expect(page.locator("#case-filter-status")).to_have_text("1 of 3 cases matches")
    search.fill("contains")  # the assertions are searched too: icontains holds "contains"
    expect(page.locator("#case-filter-status")).to_have_text("3 of 3 cases match")
    search.fill("nowhere to be found")
    expect(page.get_by_role("heading", name="No case matches")).to_be_visible()
    search.fill("")
    expect(grid.locator("tbody tr")).to_have_count(3)

    page.get_by_role("button", name="Rename").click()
    name = page.get_by_label("New name")
    expect(name).to_be_focused()
    name.fill("World capitals")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("World capitals")
    expect(page.get_by_role("button", name="Rename")).to_be_focused()
    assert call(base, f"/test-sets/{set_id}")["name"] == "World capitals"

    asked: list[str] = []

    def refuse(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    page.get_by_role("button", name="Delete test set").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("World capitals")
    assert asked and "3 cases" in asked[0] and "Runs that used it keep their results" in asked[0]
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Delete test set").click()
    expect(page).to_have_url(f"{base}/test-sets")
    expect(page.get_by_role("status").filter(has_text="Deleted")).to_have_text(
        "Deleted the test set “World capitals”. Runs that used it keep their results."
    )
    page.reload()  # said once: not again on a reload
    expect(page.get_by_role("heading", name="No test sets yet")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Deleted")).to_have_count(0)
    try:
        call(base, f"/test-sets/{set_id}")
        raise AssertionError("the test set is still there")
    except urllib.error.HTTPError as gone:
        assert gone.code == 404


def test_on_a_phone_the_actions_and_versions_stay_reachable(assay_up: AssayUp, page: Page) -> None:
    base = assay_up.url
    set_id = seed(base)
    call(
        base,
        f"/test-sets/{set_id}/cases",
        {"description": "capital pe", "vars": {"country": "Peru"}},
    )
    page.set_viewport_size(PHONE)
    grid = open_grid(page, base, set_id)
    expect(grid.get_by_role("row")).to_have_count(5)
    for n in (1, 4):
        for action in ("Edit", "Delete"):
            box = page.get_by_role("button", name=f"{action} case {n}").bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.get_by_role("button", name="Edit case 4").click()
    expect(page.get_by_role("form", name="Edit case 4")).to_be_visible()
    page.keyboard.press("Escape")

    page.get_by_role("tab", name="Versions").click()
    region = page.get_by_role("region", name="Versions table")
    expect(region.get_by_role("row")).to_have_count(3)  # header + v1 + v2
    expect(region).to_have_attribute("tabindex", "0")
    assert region.evaluate("(el) => el.scrollWidth > el.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.get_by_label("From")).to_contain_text("v1 · 3 cases · created")
    expect(page.get_by_label("To")).to_contain_text("v2 · 4 cases · cases added")


def test_the_new_states_pass_axe(assay_up: AssayUp, page: Page, tmp_path: Path) -> None:
    base = assay_up.url
    set_id = seed(base)
    audit = Audit(page)
    grid = open_grid(page, base, set_id)
    page.get_by_label("Filter cases").fill("capital")
    cell(grid, 0, 0).click()
    page.keyboard.press("Enter")
    audit.check("a cell being edited, with a filter")

    page.route("**/v1/test-sets/*/cases/*", lambda route: route.abort())
    grid.get_by_role("textbox", name="Description of case 1").fill("typed")
    page.keyboard.press("Enter")
    expect(page.locator("#case-grid-error")).to_contain_text("not saved")
    audit.check("a cell edit that was not saved")
    page.keyboard.press("Escape")
    page.unroute("**/v1/test-sets/*/cases/*")

    page.keyboard.press("Insert")
    form = page.get_by_role("form", name="New case")
    form.get_by_role("button", name="Add assertion").click()
    form.get_by_role("button", name="Save case").click()
    expect(form.get_by_role("alert")).to_contain_text("the value must be a non-empty string")
    audit.check("the case editor with an invalid assertion")
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Rename").click()
    audit.check("the rename form")
    page.keyboard.press("Escape")

    page.get_by_role("tab", name="Import").click()
    refused = tmp_path / "refused.jsonl"
    refused.write_text('{"assert": [{"type": "regex", "value": "\\\\p{L}"}]}\n')
    page.get_by_label("File", exact=True).set_input_files(str(refused))
    page.get_by_role("button", name="Import 1 case").click()
    expect(page.get_by_role("alert")).to_contain_text("refused.jsonl: 1 bad line")
    audit.check("an import the server refused")
    empty = tmp_path / "empty.csv"
    empty.write_text("country\n")
    page.get_by_label("File", exact=True).set_input_files(str(empty))
    expect(page.get_by_text("empty.csv holds no cases")).to_be_visible()
    audit.check("an import with no cases")

    page.set_viewport_size(PHONE)
    page.get_by_role("tab", name="Versions").click()
    expect(page.get_by_role("region", name="Versions table")).to_be_visible()
    audit.check("versions on a phone")
    page.get_by_role("tab", name="Cases").click()
    expect(grid).to_be_visible()
    audit.check("cases on a phone")
    audit.assert_clean()


def test_an_export_that_fails_says_so_beside_the_buttons(assay_up: AssayUp, page: Page) -> None:
    set_id = seed(assay_up.url)
    page.route(
        "**/v1/test-sets/*/export*",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body=json.dumps({"error": {"code": "unavailable", "message": "database is down"}}),
        ),
    )
    page.goto(f"{assay_up.url}/test-sets/{set_id}")
    page.get_by_role("button", name="Export CSV").click()
    alert = page.get_by_role("alert").filter(has_text="Could not export the test set")
    expect(alert).to_be_visible()
    alert.get_by_role("button", name="Dismiss").click()
    expect(alert).to_be_hidden()
    page.unroute("**/v1/test-sets/*/export*")
    with page.expect_download() as got:
        page.get_by_role("button", name="Export JSONL").click()
    saved = Path(got.value.path()).read_text()
    assert [json.loads(line)["vars"]["country"] for line in saved.splitlines()] == [
        "France",
        "Japan",
        "Italy",
    ]


def test_editing_a_case_keeps_the_type_of_each_variable(assay_up: AssayUp, page: Page) -> None:
    base = assay_up.url
    typed = {"word": "seven", "n": 7, "flag": False, "items": [1, 2], "none": None}
    set_id = str(call(base, "/test-sets", {"name": "Typed", "cases": [{"vars": typed}]})["id"])
    page.goto(f"{base}/test-sets/{set_id}")
    grid = page.get_by_role("grid", name="Cases")
    expect(grid).to_contain_text("seven")

    # Saved from the form without a change: every value keeps its type.
    page.get_by_role("button", name="Edit case 1").click()
    form = page.get_by_role("form", name="Edit case 1")
    form.get_by_role("button", name="Save case").click()
    expect(form).to_be_hidden()
    assert cases_of(base, set_id)[0]["vars"] == typed

    # A number edited in the grid stays a number; text typed over it that is not one stays text.
    seven = grid.locator('[data-cell^="0:"]').filter(has_text="7").first
    column = int(str(seven.get_attribute("data-cell")).split(":")[1])
    cell(grid, 0, column).click()
    page.keyboard.press("Enter")
    editor = grid.get_by_role("textbox", name="n of case 1")
    editor.fill("43")
    page.keyboard.press("Enter")
    expect(cell(grid, 0, column)).to_have_text("43")
    assert cases_of(base, set_id)[0]["vars"] == {**typed, "n": 43}
    expect(cell(grid, 0, column)).to_be_focused()
    page.keyboard.press("Enter")
    grid.get_by_role("textbox", name="n of case 1").fill("about forty")
    page.keyboard.press("Enter")
    expect(cell(grid, 0, column)).to_have_text("about forty")
    assert cases_of(base, set_id)[0]["vars"] == {**typed, "n": "about forty"}


def test_a_version_diff_of_many_cases_shows_them_a_page_at_a_time(
    assay_up: AssayUp, page: Page
) -> None:
    base = assay_up.url
    set_id = seed(base)  # v1: three cases
    more = [{"vars": {"country": f"Land {i}"}} for i in range(40)]
    call(base, f"/test-sets/{set_id}/cases/bulk", {"cases": more})  # v2: forty added
    page.goto(f"{base}/test-sets/{set_id}")
    page.get_by_role("tab", name="Versions").click()
    expect(page.get_by_text("40 added · 0 removed · 0 changed · 3 unchanged")).to_be_visible()
    diffs = page.locator(".diff")
    expect(diffs).to_have_count(25)
    page.get_by_role("button", name="Show 15 more of 15 changes not shown").click()
    expect(diffs).to_have_count(40)
    expect(page.get_by_role("button", name=re.compile("^Show"))).to_have_count(0)
    expect(diffs.last).to_contain_text("Land 39")
