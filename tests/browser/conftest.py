"""Browser fixtures: `assay up` on a fresh database with the fake OpenRouter, and Chromium.

- `fake_openrouter`  the fake OpenRouter over real HTTP on 127.0.0.1
- `assay_up`         `assay up` as a subprocess in local single-user mode; `.url`
- `browser`          a fresh headless Chromium context (Debian's /usr/bin/chromium), 1280×800
- `page`             a page in it that fails the test on any uncaught script error
- `shot(name)`       a screenshot; into docs/screenshots when ASSAY_SCREENSHOTS=1
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, ViewportSize, sync_playwright

from browser.servers import AssayUp
from fakes.openrouter import FakeOpenRouter

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ASSAY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
FAKE_KEY = "sk-or-fake-browser-tests"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def _prerequisites() -> None:
    if not (ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("the dashboard is not built: run `make web` (npm ci && npm run build in web/)")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (see .ci/run)")


@pytest.fixture
def fake_openrouter() -> Iterator[FakeOpenRouter]:
    with FakeOpenRouter(latency_ms=20) as fake:
        yield fake


def server_env(database_url: str, home: Path, fake: FakeOpenRouter) -> dict[str, str]:
    """The environment of an `assay up` on `database_url` talking to `fake`, without Supabase."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SUPABASE_")}
    return inherited | {
        "DATABASE_URL": database_url,
        "ASSAY_HOME": str(home),
        "OPENROUTER_BASE_URL": fake.base_url,
        "OPENROUTER_API_KEY": FAKE_KEY,
    }


@pytest.fixture
def start_assay(
    database_url: str, tmp_path: Path, fake_openrouter: FakeOpenRouter
) -> Iterator[Callable[..., AssayUp]]:
    """Starts `assay up` with extra environment variables; stopped after the test."""
    started: list[AssayUp] = []

    def start(**extra: str) -> AssayUp:
        env = server_env(database_url, tmp_path / "home", fake_openrouter) | extra
        server = AssayUp(env, tmp_path / f"assay-up-{len(started)}.log")
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def assay_up(start_assay: Callable[..., AssayUp]) -> AssayUp:
    return start_assay()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[BrowserContext]:
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport=VIEWPORT,
            accept_downloads=True,
        )
        context.set_default_timeout(20_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    errors: list[str] = []
    page = browser.pages[0] if browser.pages else browser.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert not errors, f"the page raised: {errors}"


@pytest.fixture
def shot(tmp_path: Path) -> Callable[[Page, str], Path]:
    folder = SCREENSHOTS if os.environ.get("ASSAY_SCREENSHOTS") == "1" else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return take
