"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command

CHROMIUM = os.environ.get("OPENMUN_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: install Debian's 'chromium' package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db):
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "programme.json", verbosity=0)
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def assert_accessible(page) -> None:
    """Fail with axe-core's report, rule by rule and element by element, if the page has any violation."""
    results = Axe().run(page)
    assert results.violations_count == 0, (
        f"{page.url} at {page.viewport_size['width']} px, rule (impact) : elements\n"
        f"{results.generate_snapshot()}\n\n{results.generate_report()}"
    )


@pytest.fixture
def page_check(page, phone):
    """Return a check of a public page, on a desktop screen then on a 360 px phone.

    On the desktop the check opens the URL, asserts the page's direction, runs axe-core and takes the screenshot
    name; on the phone it asserts that nothing is wider than the screen, runs axe-core and takes name-360px.
    open_details opens every <details> on the desktop before axe, so that axe checks what they hold too.
    """

    def check(url: str, *, name: str, direction: str, open_details: bool = False) -> None:
        page.goto(url)
        assert page.locator("html").get_attribute("dir") == direction
        if open_details:
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert_accessible(page)
        screenshot(page, name)

        phone.goto(url)
        # Nothing wider than a 360 px screen, except inside the scrollable table regions.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        assert_accessible(phone)
        screenshot(phone, f"{name}-360px")

    return check
