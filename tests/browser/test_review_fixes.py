"""Fixes from a walk through the dashboard: bad filters in the address, the launch form's own
checks, a calm compare page, questions before cancelling or replacing, and long names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psycopg
from playwright.sync_api import Page, Request, ViewportSize, expect

from browser.api_calls import call, finished_run
from browser.axe import Audit
from browser.seeding import Shape, seed_run
from browser.servers import AssayUp

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
WORDS = [
    {"vars": {"word": w}, "assert": [{"type": "contains", "value": w}]} for w in ("fig", "lime")
]


def requests_to(page: Page, fragment: str) -> list[str]:
    """The URLs of the API requests the page makes from now on whose path holds `fragment`."""
    seen: list[str] = []

    def record(request: Request) -> None:
        if "/v1/" in request.url and fragment in request.url:
            seen.append(request.url)

    page.on("request", record)
    return seen


def launch_ready(page: Page, base: str) -> None:
    """A test set of two cases and one prompt, with the launch page open on them."""
    call(base, "/test-sets", {"name": "Words", "cases": WORDS})
    call(base, "/prompts", {"name": "say", "text": "Say {{ word }}"})
    page.goto(f"{base}/runs/new")
    page.get_by_label("say v1").check()


# 1. The runs list


def test_an_unknown_status_or_a_test_set_that_is_no_id_is_dropped_not_sent(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    base = assay_up.url
    seed_run(database_url, call(base, "/me")["workspace_id"], Shape(1, 1, 1), name="only run")
    asked = requests_to(page, "/runs?")
    page.goto(f"{base}/runs?status=bogus&test_set=x&q=only")
    rows = page.get_by_role("table", name="Runs, newest first").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(f"{base}/runs?q=only")
    filters = page.get_by_role("search", name="Filter runs")
    expect(filters.get_by_label("Status")).to_have_value("")
    expect(filters.get_by_label("Test set")).to_have_value("")
    expect(page.get_by_role("alert")).to_have_count(0)
    assert asked, "the list was never asked for"
    assert not [u for u in asked if "status=" in u or "test_set_id=" in u], asked

    # A filter the API knows still applies, and stays in the address.
    page.goto(f"{base}/runs?status=failed")
    expect(page.get_by_role("heading", name="No run matches")).to_be_visible()
    expect(page).to_have_url(f"{base}/runs?status=failed")


# 2. The launch page


def test_repeats_and_concurrency_may_be_empty_while_typing_and_stop_the_start_when_wrong(
    page: Page, assay_up: AssayUp
) -> None:
    base = assay_up.url
    launch_ready(page, base)
    page.get_by_label("local:echo").check()
    start = page.get_by_role("button", name="Start run")
    repeats = page.get_by_label("Repeats", exact=True)
    expect(start).to_be_enabled()

    repeats.click()
    repeats.press("End")
    repeats.press("Backspace")
    expect(repeats).to_have_value("")  # not snapped back to 1
    expect(start).to_be_disabled()
    problem = "Repeats must be a whole number from 1 to 100."
    expect(page.locator("#repeats-problem")).to_have_text(problem)
    expect(start).to_have_accessible_description(re.compile(re.escape(problem)))
    repeats.press_sequentially("3")
    expect(repeats).to_have_value("3")
    expect(page.get_by_test_id("call-count")).to_have_text("6")  # 2 cases × 1 prompt × 1 model × 3
    expect(start).to_be_enabled()

    repeats.fill("101")
    expect(start).to_be_disabled()
    repeats.fill("3")
    concurrency = page.get_by_label("Concurrency", exact=True)
    concurrency.fill("501")
    expect(page.get_by_test_id("cannot-start")).to_have_text(
        "Cannot start: Concurrency must be a whole number from 1 to 500."
    )
    expect(concurrency).to_have_attribute("aria-invalid", "true")
    expect(start).to_be_disabled()
    audit = Audit(page)
    audit.check("launch, a number out of bounds")
    audit.assert_clean()
    concurrency.fill("")
    concurrency.press_sequentially("20")
    expect(page.get_by_test_id("cannot-start")).to_have_count(0)

    start.click()
    expect(page).to_have_url(re.compile(r"/runs/[0-9a-f-]{36}$"))
    run = call(base, f"/runs/{page.url.rsplit('/', 1)[1]}")
    assert (run["repeats"], run["concurrency"], run["total_cells"]) == (3, 20, 6)


def test_a_model_id_is_checked_when_it_is_added(page: Page, assay_up: AssayUp) -> None:
    base = assay_up.url
    launch_ready(page, base)
    box = page.get_by_label("Add a model by id")
    add = page.get_by_role("button", name="Add model")
    chips = page.get_by_role("button", name=re.compile("^Remove "))

    box.fill("foo:bar")
    add.click()
    problem = page.locator("#custom-model-problem")
    expect(problem).to_have_text(
        re.compile(
            r"^“foo:bar” is not a model Assay can call\. Type an OpenRouter model as vendor/model"
        )
    )
    expect(box).to_have_value("foo:bar")  # left to be corrected
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(chips).to_have_count(0)
    audit = Audit(page)
    audit.check("launch, a model id refused")
    audit.assert_clean()

    box.fill("local:nope")
    expect(problem).to_have_count(0)  # typing clears the complaint
    box.press("Enter")
    expect(problem).to_contain_text("“local:nope” is not one of the offline local: models")
    expect(problem).to_contain_text("local:echo")
    expect(chips).to_have_count(0)

    box.fill("local:upper")
    add.click()
    box.fill("openai/gpt-4o-mini")
    add.click()
    expect(chips).to_have_text(["local:upper ✕", "openrouter:openai/gpt-4o-mini ✕"])
    expect(problem).to_have_count(0)
    expect(box).to_have_value("")


def test_a_refused_launch_says_each_problem_once_in_words(page: Page, assay_up: AssayUp) -> None:
    base = assay_up.url
    launch_ready(page, base)
    page.get_by_label("local:echo").check()
    page.get_by_label("local:upper").check()
    page.get_by_label("Max tokens").fill("2000000")  # the API takes at most 1,000,000
    page.get_by_role("button", name="Start run").click()
    box = page.get_by_role("alert")
    expect(box).to_contain_text("The run was not started")
    expect(box).to_contain_text("The server refused these 2 values:")
    at_most = re.compile(r"must be at most 1\D?000\D?000$")
    expect(box.get_by_role("listitem")).to_have_text(
        [
            re.compile(r"^models #1 › params › max tokens: "),
            re.compile(r"^models #2 › params › max tokens: "),
        ]
    )
    for item in box.get_by_role("listitem").all():
        expect(item).to_have_text(at_most)
    shown = box.inner_text()  # the technical details are folded away
    assert shown.count("max tokens") == 2, shown
    assert "Input should be" not in shown and "body.models" not in shown, shown
    assert call(base, "/runs")["items"] == []


# 3. The compare page


def test_compare_asks_calmly_for_a_run_and_warns_when_the_test_sets_differ(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    base = assay_up.url
    workspace = call(base, "/me")["workspace_id"]
    shape = Shape(cases=2, prompts=1, models=1)
    before = seed_run(database_url, workspace, shape, name="before")
    same = seed_run(database_url, workspace, shape, name="same cases")
    other = seed_run(database_url, workspace, shape, name="other")
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute(
            "update runs set test_set_version_id = (select test_set_version_id from runs"
            " where id = %s) where id = %s",
            (before, same),
        )

    compared = requests_to(page, "/compare")
    page.goto(f"{base}/runs/{same}/compare")
    hint = page.get_by_text("Choose the earlier run to compare this one with.")
    expect(hint).to_be_visible()
    expect(page.get_by_label("Before")).to_have_accessible_description(
        "Choose the earlier run to compare this one with."
    )
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_text("Something went wrong")).to_have_count(0)
    audit = Audit(page)
    audit.check("compare, no run chosen")
    assert compared == []

    page.get_by_label("Before").select_option(before)
    expect(page.get_by_test_id("count-unchanged")).to_have_text("2")
    expect(hint).to_have_count(0)
    expect(page.get_by_test_id("test-set-mismatch")).to_have_count(0)  # the same test set

    page.goto(f"{base}/runs/{other}/compare?base={before}")
    warning = page.get_by_test_id("test-set-mismatch")
    expect(warning).to_contain_text(
        "These runs used different test sets: “before cases” before and “other cases” after."
    )
    expect(warning).to_contain_text("matched by their case variables")
    expect(warning).to_contain_text("may not mean an improvement")
    audit.check("compare, different test sets")
    audit.assert_clean()

    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute("update runs set test_set_version_id = null where id = %s", (before,))
    page.reload()
    expect(warning).to_contain_text("The test set of the earlier run has been deleted")


# 4. Cancelling a run


def test_cancel_run_asks_first_saying_what_is_left_and_what_is_still_paid(
    page: Page, assay_up: AssayUp, database_url: str
) -> None:
    base = assay_up.url
    workspace = call(base, "/me")["workspace_id"]
    shape = Shape(cases=5, prompts=1, models=2)
    run = seed_run(database_url, workspace, shape, name="half way", status="running")
    with psycopg.connect(database_url) as conn, conn.transaction():
        conn.execute("delete from results where run_id = %s and case_position >= 1", (run,))
        conn.execute(
            "update cells set state = 'leased', lease_until = now() + interval '1 hour'"
            " where run_id = %s and case_position = 1",
            (run,),
        )
        conn.execute(
            "update cells set state = 'pending' where run_id = %s and case_position >= 2", (run,)
        )
    cancels = requests_to(page, "/cancel")
    page.goto(f"{base}/runs/{run}")
    expect(page.locator(".title-row .badge")).to_have_text("running")

    page.get_by_role("button", name="Cancel run").click()
    dialog = page.get_by_role("dialog", name="Cancel this run?")
    expect(dialog).to_contain_text(
        "6 cells have not run yet and will not be called. "
        "The 2 calls in flight still finish, and are paid for."
    )
    expect(dialog.get_by_role("button", name="Keep running")).to_be_focused()
    audit = Audit(page)
    audit.check("cancel run question")
    audit.assert_clean()
    dialog.get_by_role("button", name="Keep running").click()
    expect(dialog).to_have_count(0)
    assert cancels == []
    assert call(base, f"/runs/{run}")["status"] == "running"

    page.get_by_role("button", name="Cancel run").click()
    dialog.get_by_role("button", name="Cancel run").click()
    expect(page.locator(".title-row .badge")).to_have_text("cancelled")
    assert call(base, f"/runs/{run}")["status"] == "cancelled"
    assert len(cancels) == 1


# 5. Replacing a test set's cases


def test_replacing_all_cases_asks_first_and_names_the_counts_and_the_file(
    page: Page, assay_up: AssayUp, tmp_path: Path
) -> None:
    base = assay_up.url
    three = [{"vars": {"word": w}} for w in ("fig", "lime", "pear")]
    set_id = call(base, "/test-sets", {"name": "Fruit", "cases": three})["id"]
    one = tmp_path / "one-fruit.csv"
    one.write_text("word\nkiwi\n")
    imports = requests_to(page, "/import")
    page.goto(f"{base}/test-sets/{set_id}")
    page.get_by_role("tab", name="Import").click()
    page.get_by_label("File", exact=True).set_input_files(str(one))
    page.get_by_role("radio", name="Replace all cases").check()
    page.get_by_role("button", name="Import 1 case", exact=True).click()

    dialog = page.get_by_role("dialog", name="Replace all cases?")
    expect(dialog).to_contain_text(
        "Replace the 3 cases of this test set with the 1 case of one-fruit.csv? "
        "Earlier versions stay in the history."
    )
    expect(dialog.get_by_role("button", name="Keep the cases")).to_be_focused()
    audit = Audit(page)
    audit.check("replace cases question")
    audit.assert_clean()
    dialog.get_by_role("button", name="Keep the cases").click()
    expect(dialog).to_have_count(0)
    assert imports == []
    assert call(base, f"/test-sets/{set_id}")["case_count"] == 3

    page.get_by_role("button", name="Import 1 case", exact=True).click()
    dialog.get_by_role("button", name="Replace cases").click()
    expect(page.get_by_role("tab", name="Cases")).to_have_attribute("aria-selected", "true")
    assert call(base, f"/test-sets/{set_id}")["case_count"] == 1
    assert len(imports) == 1 and "mode=replace" in imports[0]


# 6. Long names


def overflow(page: Page) -> dict[str, Any]:
    """How wide the document is against the window, and the outermost elements reaching past it."""
    found: dict[str, Any] = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const past = (el) => el.getBoundingClientRect().right > width + 1;
          const outermost = [...document.querySelectorAll("body *")]
            .filter((el) => past(el) && !past(el.parentElement))
            .slice(0, 8).map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
          return { scroll: document.documentElement.scrollWidth, width, outermost };
        }"""
    )
    return found


def test_long_unbroken_names_never_make_a_page_scroll_sideways(
    page: Page, assay_up: AssayUp
) -> None:
    base = assay_up.url
    # 200 characters (the API's longest name) without a place to break a line.
    key = "K" * 200
    set_name, prompt_name, run_name = "S" * 200, "P" * 200, "R" * 200
    call(base, "/api-keys", {"name": key})
    test_set = call(
        base, "/test-sets", {"name": set_name, "description": "D" * 600, "cases": WORDS}
    )
    prompt = call(base, "/prompts", {"name": prompt_name, "text": "Say {{ word }}"})
    body = {"test_set_id": test_set["id"], "prompt_version_ids": [prompt["latest_version"]["id"]],
            "models": [{"id": "local:echo"}]}  # fmt: skip
    first = finished_run(base, body | {"name": run_name})
    second = finished_run(base, body | {"name": "Q" * 200})
    pages = {
        "/settings": key,
        "/test-sets": set_name,
        f"/test-sets/{test_set['id']}": set_name,
        "/prompts": prompt_name,
        f"/prompts/{prompt['id']}": prompt_name,
        "/runs": run_name,
        f"/runs/{first}": run_name,
        f"/runs/{second}/compare?base={first}": run_name,
        f"/runs/new?from={first}": prompt_name,
    }
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for path, name in pages.items():
            page.goto(f"{base}{path}")
            expect(page.get_by_text(name).first).to_be_attached()
            found = overflow(page)
            assert found["scroll"] <= viewport["width"], (path, viewport, found)


def test_the_api_key_name_is_listed_whole(page: Page, assay_up: AssayUp) -> None:
    """Wrapping is not cutting: the whole name is still there to read."""
    key = "K" * 200
    call(assay_up.url, "/api-keys", {"name": key})
    page.set_viewport_size(PHONE)
    page.goto(f"{assay_up.url}/settings")
    cell = page.get_by_role("cell", name=key, exact=True)
    expect(cell).to_have_text(key)
    box = cell.bounding_box()
    assert box is not None and box["height"] > 40, box  # on several lines, not clipped to one
