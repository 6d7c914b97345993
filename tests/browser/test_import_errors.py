"""Bad import files show every bad line and save nothing."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from browser.servers import AssayUp


def api_get(base: str, path: str) -> dict[str, object]:
    with urllib.request.urlopen(f"{base}/v1{path}", timeout=10) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def open_import(page: Page, base: str) -> str:
    page.goto(f"{base}/test-sets")
    page.get_by_label("New test set").fill("Broken")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Broken")).to_be_visible()
    page.get_by_role("tab", name="Import").click()
    return page.url.rsplit("/", 1)[1]


def test_a_ragged_csv_shows_its_bad_lines_and_cannot_be_imported(
    assay_up: AssayUp, page: Page, tmp_path: Path, shot: Callable[[Page, str], Path]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        'country,__expected\nFrance,contains:Paris\nJapan\nItaly,contains:Rome,extra\n"Peru,x\n'
    )
    set_id = open_import(page, assay_up.url)
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Fix these lines before importing")
    expect(errors).to_contain_text("line 3: 1 fields, but the header has 2")
    expect(errors).to_contain_text("line 4: 3 fields, but the header has 2")
    expect(errors).to_contain_text("line 5: a quoted field is never closed")
    expect(page.get_by_role("button", name="Import 1 case")).to_be_disabled()
    shot(page, "import-errors")
    assert api_get(assay_up.url, f"/test-sets/{set_id}")["case_count"] == 0


def test_lines_the_server_refuses_are_listed_and_nothing_is_saved(
    assay_up: AssayUp, page: Page, tmp_path: Path
) -> None:
    bad = tmp_path / "cases.jsonl"
    bad.write_text(
        '{"vars": {"country": "Peru"}, "assert": [{"type": "contains", "value": "Lima"}]}\n'
        '{"vars": 5}\n'
        '{"vars": {"country": "Chile"}, "assert": [{"type": "no-such-type"}]}\n'
    )
    set_id = open_import(page, assay_up.url)
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Import 3 cases").click()
    refused = page.get_by_role("alert")
    expect(refused).to_contain_text("The import was refused; nothing was saved")
    expect(refused).to_contain_text("line 2:")
    expect(refused).to_contain_text("'vars' must be a mapping")
    expect(refused).to_contain_text("unknown assertion type 'no-such-type'")
    assert api_get(assay_up.url, f"/test-sets/{set_id}")["case_count"] == 0
