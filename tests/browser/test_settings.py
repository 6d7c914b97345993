"""Settings: a new API key is shown once, copied with a button, and hidden once revoked."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Dialog, Page, expect

from browser.servers import AssayUp


def create_key(page: Page, name: str) -> str:
    page.get_by_label("Key name").fill(name)
    page.get_by_role("button", name="Create key").click()
    shown = page.get_by_test_id("new-key")
    expect(shown).to_have_text(re.compile(r"^ak_"))
    return shown.inner_text().strip()


def test_a_new_key_is_copied_with_a_button_and_disappears_when_revoked(
    browser: BrowserContext, page: Page, assay_up: AssayUp
) -> None:
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=assay_up.url)
    page.goto(f"{assay_up.url}/settings")
    expect(page.get_by_role("heading", name="Model access")).to_be_visible()
    expect(page.get_by_test_id("openrouter-key")).to_have_text("configured")  # the fixture's key
    key = create_key(page, "CI pipeline")
    page.get_by_role("button", name="Copy key").click()
    expect(page.get_by_text("Copied to the clipboard.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key

    row = page.get_by_role("row", name=re.compile("CI pipeline"))
    asked: list[str] = []

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    # Two keys may share a name: the button and the question name the key by its prefix too.
    prefix = key.split("_")[1]
    row.get_by_role("button", name=f"Revoke CI pipeline (ak_{prefix}…)").click()
    expect(row).to_contain_text("revoked")
    assert asked == [
        f"Revoke the key “CI pipeline” (ak_{prefix}…)? Programs using it will be refused at once."
    ]
    expect(page.get_by_test_id("new-key")).to_have_count(0)  # a revoked key is not offered
    expect(page.get_by_text(key)).to_have_count(0)


def test_without_clipboard_access_the_key_is_selected_for_the_user_to_copy(
    page: Page, assay_up: AssayUp
) -> None:
    # A browser that refuses the clipboard (an insecure origin, a denied permission).
    page.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied'));"
    )
    page.goto(f"{assay_up.url}/settings")
    key = create_key(page, "Notebook")
    page.get_by_role("button", name="Copy key").click()
    expect(page.get_by_text("Selected: press Ctrl+C")).to_be_visible()
    assert page.evaluate("window.getSelection().toString()").strip() == key
    page.get_by_role("button", name="I have saved it; hide it").click()
    expect(page.get_by_test_id("new-key")).to_have_count(0)
    expect(page.get_by_role("row", name=re.compile("Notebook"))).to_contain_text("Revoke")
