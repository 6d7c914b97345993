"""The prompt editor: a server-rendered preview, failing cases named, guarded edits, rename, delete.

The preview is rendered by `assay up` with the engine's own Jinja rendering: filters and tags
apply, a case lacking a variable is reported as the run would fail it (never as an empty value).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

from playwright.sync_api import Dialog, Page, expect

from browser.axe import Audit
from browser.servers import AssayUp

CASES = [
    {"vars": {"country": "Portugal", "language": "Portuguese"}},
    {"description": "capital fr", "vars": {"country": "France"}},
    {"vars": {"country": "Japan", "language": "Japanese"}},
    {"description": "no language", "vars": {"country": "Chad"}},
]


def call(base: str, path: str, body: dict[str, Any] | None = None, method: str = "") -> Any:
    """The JSON answer of the local-mode API (POST when there is a body); None for 204."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{base}/v1{path}",
        data=data,
        method=method or ("POST" if data is not None else "GET"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def template_box(page: Page) -> Any:
    return page.get_by_role("textbox", name="Template", exact=True)


def test_preview_is_rendered_by_the_server_and_names_the_cases_that_would_fail(
    assay_up: AssayUp, page: Page
) -> None:
    base = assay_up.url
    call(base, "/test-sets", {"name": "Capitals", "cases": CASES})
    page.goto(f"{base}/prompts/new")
    page.get_by_label("Name", exact=True).fill("capital")
    template = template_box(page)
    template.fill("Answer in {{ language }}: what is the capital of {{ country | upper }}?")
    preview = page.get_by_role("figure", name="Rendered preview")
    expect(preview).to_have_text("Answer in Portuguese: what is the capital of PORTUGAL?")
    check = page.locator(".render-check")
    expect(check).to_contain_text("2 of 4 cases would fail in a run")
    expect(check.get_by_role("listitem")).to_have_text(["2 of 4 cases lack language: #2, #4"])
    expect(check).to_contain_text("never sent as an empty value")
    expect(page.locator("code.chip.missing")).to_have_text(["language"])
    expect(page.locator("code.chip:not(.missing)")).to_have_text(["country"])
    highlighted = page.get_by_role("figure", name="Template with variables highlighted")
    expect(highlighted.locator("mark.var.missing")).to_have_text(["language"])
    expect(highlighted.locator("mark.var:not(.missing)")).to_have_text(["country"])

    # The case that lacks `language` shows the run's own error, not "{{ language }}" or "".
    page.get_by_label("Case").select_option(label="2. capital fr")
    failure = page.get_by_text("In a run, this case's calls fail")
    expect(failure).to_contain_text(
        "missing variable 'language' in prompt 'capital' for test 2 (capital fr)"
    )
    expect(preview).to_have_count(0)

    # A variable no case has: every case is named.
    template.fill("Capital of {{ country }}?{% if tone %} Be {{ tone }}.{% endif %}")
    expect(check.get_by_role("listitem")).to_have_text(["4 of 4 cases lack tone: #1, #2, #3, #4"])

    # A default makes the variable optional: nothing fails, and case 2 renders with it.
    template.fill("In {{ language | default('English') }}: {{ country }}?")
    expect(check).to_have_text(
        "All 4 cases render; some lack language, which the template does not require."
    )
    expect(preview).to_have_text("In English: France?")

    # Loop variables are the template's own, not columns the cases need.
    template.fill("{% for c in [country, country | lower] %}{{ c }};{% endfor %}")
    expect(preview).to_have_text("France;france;")
    expect(highlighted.locator(".tpl-local").first).to_have_text("c")
    expect(page.locator("code.chip")).to_have_text(["country"])
    expect(check).to_contain_text("every variable is present")

    # A template that does not parse: the line and the reason, as creating it would refuse.
    template.fill("Capital of {{ country }}?\n{% if country %}open")
    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(r"does not parse.*line 2: syntax error", re.S)
    )


def test_chat_to_text_asks_first_and_unsaved_edits_are_guarded(
    assay_up: AssayUp, page: Page
) -> None:
    base = assay_up.url
    chat = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Capital of {{country}}?"},
    ]
    prompt = call(base, "/prompts", {"name": "capital", "messages": chat})
    page.goto(f"{base}/prompts/{prompt['id']}")
    first = page.get_by_role("textbox", name="Message 1", exact=True)
    expect(first).to_have_value("Be brief.")
    expect(page.get_by_role("combobox", name="Role of message 1", exact=True)).to_have_value(
        "system"
    )

    page.get_by_label("Text", exact=True).click()
    dialog = page.get_by_role("dialog", name="Switch to a text template?")
    expect(dialog).to_contain_text("their roles (system, user) will be lost")
    dialog.get_by_role("button", name="Keep chat messages").click()
    expect(dialog).to_have_count(0)
    expect(first).to_have_value("Be brief.")
    expect(page.get_by_label("Chat messages")).to_be_checked()
    expect(page.get_by_text("Unsaved changes")).to_have_count(0)

    page.get_by_label("Text", exact=True).click()
    page.get_by_role("button", name="Switch to text").click()
    expect(template_box(page)).to_have_value("Be brief.\n\nCapital of {{country}}?")
    expect(page.get_by_text("Unsaved changes")).to_be_visible()

    # A link in the app asks first; staying keeps the edit.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Prompts").click()
    leave = page.get_by_role("dialog", name="Leave without saving?")
    leave.get_by_role("button", name="Stay on this page").click()
    expect(page).to_have_url(f"{base}/prompts/{prompt['id']}")
    expect(template_box(page)).to_have_value("Be brief.\n\nCapital of {{country}}?")

    # A reload asks the browser's own question; going ahead drops the edit.
    asked: list[str] = []

    def accept(d: Dialog) -> None:
        asked.append(d.type)
        d.accept()

    page.once("dialog", accept)
    page.reload()
    expect(first).to_have_value("Be brief.")
    assert asked == ["beforeunload"]

    # Leaving through a link anyway drops the edit; the saved version is untouched.
    first.fill("Be very brief.")
    nav.get_by_role("link", name="Prompts").click()
    leave.get_by_role("button", name="Leave without saving").click()
    expect(page).to_have_url(f"{base}/prompts")
    saved = call(base, f"/prompts/{prompt['id']}")["latest_version"]
    assert (saved["version"], saved["body"]) == (1, {"messages": chat})

    # Once saved, nothing asks.
    page.get_by_role("link", name="capital").click()
    page.get_by_role("textbox", name="Message 2", exact=True).fill("Capital city of {{country}}?")
    page.get_by_role("button", name="Save new version").click()
    expect(page.get_by_text("Saved as version 2")).to_be_visible()
    expect(page.get_by_text("Unsaved changes")).to_have_count(0)
    nav.get_by_role("link", name="Prompts").click()
    expect(page).to_have_url(f"{base}/prompts")


def test_a_prompt_is_renamed_and_deleted_from_its_page(assay_up: AssayUp, page: Page) -> None:
    base = assay_up.url
    prompt = call(base, "/prompts", {"name": "capital", "text": "Capital of {{country}}?"})
    page.goto(f"{base}/prompts/{prompt['id']}")
    expect(page.get_by_role("heading", name="capital", exact=True)).to_be_visible()

    page.get_by_role("button", name="Rename").click()
    page.get_by_role("textbox", name="New name", exact=True).fill("capital city")
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_role("heading", name="capital city", exact=True)).to_be_visible()
    assert call(base, f"/prompts/{prompt['id']}")["name"] == "capital city"

    page.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete “capital city”?")
    expect(dialog).to_contain_text("its 1 version will be deleted")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert call(base, f"/prompts/{prompt['id']}")["name"] == "capital city"

    page.get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Delete prompt").click()
    expect(page).to_have_url(f"{base}/prompts")
    expect(page.get_by_text("No prompts yet")).to_be_visible()
    notice = page.get_by_role("status").filter(has_text="Deleted the prompt")
    expect(notice).to_have_text(
        "Deleted the prompt “capital city”. Runs that used it keep their own copy of the template."
    )
    page.reload()  # said once: not again on a reload
    expect(page.get_by_text("No prompts yet")).to_be_visible()
    expect(notice).to_have_count(0)
    try:
        call(base, f"/prompts/{prompt['id']}")
        raise AssertionError("the prompt is still there")
    except urllib.error.HTTPError as exc:
        assert exc.code == 404


def test_the_editor_passes_axe_with_failures_dialogs_and_forms_open(
    assay_up: AssayUp, page: Page
) -> None:
    base = assay_up.url
    call(base, "/test-sets", {"name": "Capitals", "cases": CASES})
    prompt = call(base, "/prompts", {"name": "capital", "text": "{{ language }}: {{ country }}"})
    audit = Audit(page)
    page.goto(f"{base}/prompts/{prompt['id']}")
    expect(page.locator(".render-check")).to_contain_text("2 of 4 cases would fail")
    audit.check("prompt editor, failing cases")
    page.get_by_label("Case").select_option(label="2. capital fr")
    expect(page.get_by_text("In a run, this case's calls fail")).to_be_visible()
    template_box(page).fill("{% for c in [country] %}{{ c }}{% endfor %} {# note #} {{ oops")
    expect(page.get_by_role("alert")).to_contain_text("does not parse")
    audit.check("prompt editor, syntax error and highlighting")

    page.get_by_label("Chat messages").check()
    page.get_by_role("button", name="Add message").click()
    page.get_by_label("Text", exact=True).click()
    expect(page.get_by_role("dialog", name="Switch to a text template?")).to_be_visible()
    audit.check("switch to text dialog")
    page.get_by_role("button", name="Keep chat messages").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Runs").click()
    expect(page.get_by_role("dialog", name="Leave without saving?")).to_be_visible()
    audit.check("leave without saving dialog")
    page.get_by_role("button", name="Stay on this page").click()

    page.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("textbox", name="New name", exact=True)).to_be_focused()
    audit.check("rename form")
    page.get_by_role("button", name="Cancel").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("dialog", name="Delete “capital”?")).to_be_visible()
    audit.check("delete dialog")
    audit.assert_clean()


def test_the_preview_keeps_its_test_set_and_case_when_a_new_prompt_is_created(
    assay_up: AssayUp, page: Page
) -> None:
    base = assay_up.url
    call(base, "/test-sets", {"name": "Capitals", "cases": CASES})
    call(base, "/test-sets", {"name": "Another", "cases": [{"vars": {"country": "Peru"}}]})
    page.goto(f"{base}/prompts/new")
    page.get_by_label("Name", exact=True).fill("capital")
    template_box(page).fill("Capital of {{ country }}?")
    page.get_by_label("Test set").select_option(label="Capitals")
    page.get_by_label("Case").select_option(label="2. capital fr")
    preview = page.get_by_role("figure", name="Rendered preview")
    expect(preview).to_have_text("Capital of France?")
    page.get_by_role("button", name="Create prompt").click()
    expect(page).to_have_url(re.compile(r"/prompts/[0-9a-f-]{36}$"))
    expect(page.get_by_label("Test set")).to_have_value(re.compile(".+"))
    expect(page.get_by_label("Test set").locator("option:checked")).to_have_text("Capitals")
    expect(page.get_by_label("Case").locator("option:checked")).to_have_text("2. capital fr")
    expect(preview).to_have_text("Capital of France?")
