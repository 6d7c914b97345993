"""Bad import files show every bad line, with its field, before anything is sent."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
    expect(errors).to_contain_text("line 3: 1 field, but the header has 2")
    expect(errors).to_contain_text("line 4: 3 fields, but the header has 2")
    expect(errors).to_contain_text("line 5: a quoted field is never closed")
    expect(page.get_by_text("1 case read from bad.csv, 3 bad lines")).to_be_visible()
    expect(page.get_by_role("button", name="Import 1 case", exact=True)).to_be_disabled()
    shot(page, "import-errors")
    assert api_get(assay_up.url, f"/test-sets/{set_id}")["case_count"] == 0


def test_the_preview_finds_what_the_server_would_refuse_before_anything_is_sent(
    assay_up: AssayUp, page: Page, tmp_path: Path
) -> None:
    bad = tmp_path / "cases.jsonl"
    bad.write_text(
        '{"vars": {"country": "Peru"}, "assert": [{"type": "contains", "value": "Lima"}]}\n'
        '{"vars": "should be object"}\n'
        '{"vars": {"country": "Chile"}, "assert": [{"type": "no-such-type"}]}\n'
        '{"vars": {"country": "Cuba"}, "assert": [{"type": "regex", "value": "([unclosed"}]}\n'
        '{"vars": {"country": "Iran"}, "assert": [{"type": "javascript", "value": "true"}]}\n'
    )
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    set_id = open_import(page, assay_up.url)
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Fix these lines before importing")
    expect(errors.get_by_role("listitem")).to_have_text(
        [
            "line 2, vars: 'vars' must be an object, not \"should be object\"",
            re.compile(r"^line 3, assert\[0\]\.type: unknown assertion type 'no-such-type'"),
            re.compile(
                r"^line 4, assert\[0\]\.value: regex: invalid regular expression '\(\[unclosed'"
            ),
            "line 5, assert[0].type: unsupported assertion type 'javascript': "
            "Assay does not run it",
        ]
    )
    expect(page.get_by_text("1 case read from cases.jsonl, 4 bad lines")).to_be_visible()
    expect(page.get_by_role("button", name="Import 1 case", exact=True)).to_be_disabled()
    assert not any("/import" in url for url in posted)
    assert api_get(assay_up.url, f"/test-sets/{set_id}")["case_count"] == 0


def test_a_csv_regex_is_checked_in_the_preview_with_its_column(
    assay_up: AssayUp, page: Page, tmp_path: Path
) -> None:
    bad = tmp_path / "sem.csv"
    bad.write_text(
        "country,__expected\nNorway,contains:Oslo\nFinland,nosuchtype:Helsinki\n"
        "Iceland,regex:([unclosed\n"
    )
    open_import(page, assay_up.url)
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    item = page.get_by_role("alert").get_by_role("listitem")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("line 4, __expected (column 2): regex: invalid regular expression")
    expect(page.get_by_text("2 cases read from sem.csv, 1 bad line")).to_be_visible()
    expect(page.get_by_role("button", name="Import 2 cases")).to_be_disabled()


def test_an_empty_file_cannot_be_imported(assay_up: AssayUp, page: Page, tmp_path: Path) -> None:
    empty = tmp_path / "header-only.csv"
    empty.write_text("country,__expected\n")
    open_import(page, assay_up.url)
    page.get_by_label("File", exact=True).set_input_files(str(empty))
    expect(page.get_by_text("header-only.csv holds no cases")).to_be_visible()
    expect(page.get_by_role("button", name="Import 0 cases")).to_be_disabled()


def test_a_refusal_only_the_server_finds_names_the_users_file_once(
    assay_up: AssayUp, page: Page, tmp_path: Path
) -> None:
    # JavaScript reads \p as a plain "p", Python refuses it: the preview passes, the server not.
    bad = tmp_path / "unicode-cases.jsonl"
    bad.write_text(
        '{"vars": {"country": "Peru"}, "assert": [{"type": "contains", "value": "Lima"}]}\n'
        '{"vars": {"country": "Chile"}, "assert": [{"type": "regex", "value": "\\\\p{L}+"}]}\n'
    )
    set_id = open_import(page, assay_up.url)
    page.get_by_label("File", exact=True).set_input_files(str(bad))
    expect(page.get_by_text("2 cases read from unicode-cases.jsonl")).to_be_visible()
    with page.expect_response(lambda r: "/import?" in r.url) as sent:
        page.get_by_role("button", name="Import 2 cases").click()
    # The server is told the file's name and says it itself.
    assert "filename=unicode-cases.jsonl" in sent.value.url
    assert "unicode-cases.jsonl:2:" in sent.value.text()
    refused = page.get_by_role("alert")
    expect(refused).to_contain_text("The import was refused; nothing was saved")
    expect(refused).to_contain_text("unicode-cases.jsonl: 1 bad line, nothing imported")
    expect(refused.get_by_role("listitem")).to_have_count(1)
    expect(refused.get_by_role("listitem")).to_contain_text("line 2: assert[0]: regex assertion")
    expect(refused).not_to_contain_text("import.jsonl")
    text = refused.inner_text()
    assert text.count("invalid regular expression") == 1, text
    assert api_get(assay_up.url, f"/test-sets/{set_id}")["case_count"] == 0


def test_the_mode_radios_are_one_group_the_arrow_keys_move_in(
    assay_up: AssayUp, page: Page, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("country\nPeru\n")
    open_import(page, assay_up.url)
    page.get_by_label("File", exact=True).set_input_files(str(good))
    append = page.get_by_role("radio", name="Append")
    replace = page.get_by_role("radio", name="Replace all cases")
    expect(append).to_be_checked()
    append.focus()
    page.keyboard.press("ArrowRight")
    expect(replace).to_be_checked()
    expect(replace).to_be_focused()


def test_lines_that_import_as_read_but_probably_not_as_meant_are_pointed_out(
    assay_up: AssayUp, page: Page, tmp_path: Path
) -> None:
    typo = tmp_path / "typo.csv"
    typo.write_text("country,__expected\nFrance,icontain: paris\nJapan,icontains: tokyo\n,\n")
    set_id = open_import(page, assay_up.url)
    page.get_by_label("File", exact=True).set_input_files(str(typo))
    warnings = page.get_by_test_id("import-warnings")
    expect(warnings).to_contain_text("Check these 2 lines")
    expect(warnings.get_by_role("listitem")).to_have_text([
        "line 2, __expected (column 2): 'icontain' is not an assertion type, so this is read as: "
        'equals "icontain: paris" (did you mean \'icontains\'?)',
        "line 4: every field is empty: this makes a case with no variables and no assertions",
    ])  # fmt: skip
    # A warning does not stop the import: the file is taken as read.
    page.get_by_role("button", name="Import 3 cases").click()
    expect(page.get_by_role("tab", name="Cases")).to_have_attribute("aria-selected", "true")
    cases: Any = api_get(assay_up.url, f"/test-sets/{set_id}/cases")["items"]
    assert [(a["type"], a["value"]) for a in cases[0]["assert"]] == [("equals", "icontain: paris")]
