"""The runs list says what each run was, and any run can be launched again from it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from browser.api_calls import call, finished_run
from browser.seeding import Shape, seed_run
from browser.servers import AssayUp

CASES = [
    {"vars": {"word": w}, "assert": [{"type": "contains", "value": w}]}
    for w in ("apple", "kiwi", "plum")
]


def test_a_run_of_two_prompt_versions_is_listed_and_launched_again(
    page: Page, assay_up: AssayUp
) -> None:
    base = assay_up.url
    test_set = call(base, "/test-sets", {"name": "Fruit", "cases": CASES})
    prompt = call(base, "/prompts", {"name": "say", "text": "{{word}}"})
    v1 = prompt["latest_version"]["id"]
    v2 = call(base, f"/prompts/{prompt['id']}/versions", {"text": "Say {{word}}"})["version"]["id"]
    # echo passes all three cases on both versions; upper answers in capitals and fails them
    finished_run(base, {
        "name": "fruit", "test_set_id": test_set["id"], "prompt_version_ids": [v1, v2],
        "models": [{"id": "local:echo"}, {"id": "local:upper"}],
    })  # fmt: skip

    page.goto(f"{base}/runs")
    row = page.get_by_role("row", name=re.compile("^fruit"))
    expect(row.get_by_role("cell")).to_have_text(
        ["fruit", "completed", "Fruit v1", "local:echo, local:upper", "12", "50.0%",
         re.compile(r"^\$"), re.compile(r"\d"), "Run again"]
    )  # fmt: skip

    row.get_by_role("link", name="Run again: fruit").click()
    expect(page).to_have_url(re.compile(r"/runs/new\?from="))
    expect(page.get_by_label("Run name (optional)")).to_have_value("fruit (again)")
    # v2 is the latest: ticked in the list; v1 is an earlier version, listed apart
    expect(page.get_by_role("checkbox", name="say v2")).to_be_checked()
    expect(page.get_by_role("button", name="Remove say v1")).to_be_visible()
    for model in ("local:echo", "local:upper"):
        expect(page.get_by_role("button", name=f"Remove {model}")).to_be_visible()
    expect(page.get_by_test_id("call-count")).to_have_text("12")

    # Dropping v1, then taking it back from the earlier versions of the prompt.
    page.get_by_role("button", name="Remove say v1").click()
    expect(page.get_by_test_id("call-count")).to_have_text("6")
    page.get_by_text("earlier versions of say").click()
    page.get_by_role("checkbox", name=re.compile("^say v1")).check()
    expect(page.get_by_test_id("call-count")).to_have_text("12")

    page.get_by_role("button", name="Start run").click()
    expect(page).to_have_url(re.compile(r"/runs/[0-9a-f-]{36}$"))
    expect(page.locator(".title-row .badge")).to_have_text("completed", timeout=60_000)
    again = call(base, f"/runs/{page.url.rsplit('/', 1)[1]}")
    assert sorted(p["prompt_version_id"] for p in again["prompts"]) == sorted([v1, v2])
    assert [m["id"] for m in again["models"]] == ["local:echo", "local:upper"]
    assert again["name"] == "fruit (again)"


def test_runs_are_filtered_by_status_test_set_and_name_and_paged(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    base = assay_up.url
    workspace = call(base, "/me")["workspace_id"]
    one = Shape(cases=1, prompts=1, models=1)
    for i in range(52):
        status = "failed" if i % 10 == 3 else "completed"
        seed_run(database_url, workspace, one, name=f"batch {i}", status=status)

    page.goto(f"{base}/runs")
    expect(page).to_have_title("Runs · Assay")  # each page names the tab
    table = page.get_by_role("table", name="Runs, newest first")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(50)
    page.get_by_role("button", name="Load more runs").click()
    expect(rows).to_have_count(52)
    expect(page.get_by_role("button", name="Load more runs")).to_have_count(0)

    filters = page.get_by_role("search", name="Filter runs")
    filters.get_by_label("Status").select_option("failed")
    expect(rows).to_have_count(5)  # batches 3, 13, 23, 33 and 43
    expect(page).to_have_url(re.compile(r"status=failed"))
    page.reload()  # the filter is in the address
    expect(filters.get_by_label("Status")).to_have_value("failed")
    expect(rows.first).to_contain_text("batch 43")

    filters.get_by_label("Status").select_option("")
    filters.get_by_label("Name").fill("BATCH 5")
    expect(rows).to_have_count(3)  # batch 5, 50, 51
    expect(filters.get_by_role("status")).to_have_text("3 runs match")
    filters.get_by_label("Name").fill("")
    filters.get_by_label("Test set").select_option(label="batch 17 cases")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("batch 17")
    rows.first.get_by_role("link", name="batch 17", exact=True).click()
    expect(page).to_have_title("batch 17 · Runs · Assay")
    page.go_back()

    filters.get_by_label("Status").select_option("running")
    expect(page.get_by_role("heading", name="No run matches")).to_be_visible()
    page.get_by_role("button", name="Show every run").click()
    expect(rows).to_have_count(50)
    expect(page).to_have_url(f"{base}/runs")
