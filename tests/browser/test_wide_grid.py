"""Rows wider than one results page: columns are virtualised and fetched by block."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Locator, Page, expect

from browser.seeding import Shape, output_of, seed_run
from browser.servers import AssayUp

# 3 models × 250 repeats = 750 cells per case: wider than the API's 500-cell page.
SHAPE = Shape(cases=40, prompts=1, models=3, repeats=250)


def workspace_of(server: AssayUp) -> str:
    with urllib.request.urlopen(f"{server.url}/v1/me", timeout=10) as answer:
        return str(json.loads(answer.read())["workspace_id"])


def cell(page: Page, row: int, col: int) -> Locator:
    return page.locator(f"#cell-{row}-{col}")


def test_rows_of_750_cells_draw_only_the_columns_on_screen(
    page: Page, assay_up: AssayUp, database_url: str, shot: Callable[[Page, str], Path]
) -> None:
    run = seed_run(database_url, workspace_of(assay_up), SHAPE, name="wide")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/results" in r.url else None)
    page.goto(f"{assay_up.url}/runs/{run}")
    grid = page.get_by_role("grid", name="Results")
    expect(grid).to_have_attribute("aria-colcount", str(3 * 250 + 1))
    expect(cell(page, 0, 0)).to_contain_text(output_of(0, 0, 0, 0))
    # Only a screenful of the 750 columns is in the page, however wide the row.
    drawn = page.locator(".results-row").first.get_by_role("gridcell").count()
    assert 0 < drawn < 20, f"{drawn} cells drawn in one row"

    # End: the last column, whose cells come from the row's eighth block of 100 columns.
    grid.focus()
    page.keyboard.press("End")
    expect(cell(page, 0, 749)).to_contain_text(output_of(0, 0, 2, 249))
    expect(cell(page, 0, 749)).to_have_attribute("aria-selected", "true")
    last_header = "openrouter:google/gemini-flash · prompt v1 · repeat 250"
    expect(page.get_by_role("columnheader", name=last_header)).to_be_visible()
    expect(page.locator("[role=gridcell][aria-colindex='2']")).to_have_count(0)
    shot(page, "wide-grid")

    # Ctrl+End, then the far column of the last row; Home goes back to its first column.
    page.keyboard.press("Control+End")
    page.keyboard.press("End")
    expect(cell(page, 39, 749)).to_contain_text(output_of(39, 0, 2, 249))
    page.keyboard.press("Home")
    expect(cell(page, 39, 0)).to_contain_text(output_of(39, 0, 0, 0))
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(output_of(39, 0, 0, 0))
    page.keyboard.press("Escape")

    # After the first page (500 cells), each request is one rectangle of 5 rows × 100 columns:
    # never the whole 30,000-cell run, only blocks on screen, none of a finished run twice.
    assert asked[0].endswith("/results?limit=500"), asked[0]
    spans = [parse_qs(urlparse(url).query) for url in asked[1:]]
    for span in spans:
        rows = int(span["to_case"][0]) - int(span["from_case"][0]) + 1
        columns = int(span["to_column"][0]) - int(span["from_column"][0]) + 1
        assert (rows, columns) in ((5, 100), (4, 100)), span  # 4: rows 1-4 beside the first page
        assert int(span["from_column"][0]) % 100 == 0, span
    assert len(asked) == len(set(asked)), f"{len(asked) - len(set(asked))} requests repeated"
    # a screen is 2 or 3 rectangles wide and 2 to 4 high: a few per jump, not one per row
    assert len(asked) <= 1 + 4 * 12, f"{len(asked)} results requests"


def test_on_a_phone_the_case_column_narrows_and_cells_stay_readable(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    run = seed_run(database_url, workspace_of(assay_up), Shape(3, 1, 3), name="phone")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{assay_up.url}/runs/{run}")
    expect(cell(page, 0, 0)).to_contain_text(output_of(0, 0, 0, 0))
    case = page.get_by_role("rowheader").first.bounding_box()
    first = cell(page, 0, 0).bounding_box()
    assert case and first
    assert case["width"] <= 120 and first["width"] >= 200, (case, first)
    page.set_viewport_size({"width": 1280, "height": 800})  # and back: the columns follow
    expect(page.get_by_role("rowheader").first).to_have_css("width", "220px")


def test_the_cell_view_steps_along_the_row_then_to_the_next(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    run = seed_run(database_url, workspace_of(assay_up), Shape(3, 1, 2, 2), name="steps")
    page.goto(f"{assay_up.url}/runs/{run}")
    expect(cell(page, 0, 0)).to_contain_text(output_of(0, 0, 0, 0))
    page.get_by_role("grid", name="Results").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(output_of(0, 0, 0, 0))
    expect(dialog.get_by_role("button", name=re.compile("Previous"))).to_be_disabled()
    page.keyboard.press("]")
    expect(dialog).to_contain_text(output_of(0, 0, 0, 1))
    for _ in range(3):  # past the row's last cell (model 1, repeat 1) to the next case
        dialog.get_by_role("button", name=re.compile("Next")).click()
    expect(dialog).to_contain_text(output_of(1, 0, 0, 0))
    page.keyboard.press("[")
    expect(dialog).to_contain_text(output_of(0, 0, 1, 1))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(cell(page, 0, 3)).to_have_attribute("aria-selected", "true")  # the grid followed
