"""Browser journeys in headless Chromium (Debian's package), driven by Playwright."""

import os
import shutil
import tempfile
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    for path in CHROMIUM_PATHS:
        if os.path.exists(path):
            return path
    return shutil.which("chromium")


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # the tests themselves (and the database teardown) are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def chromium_executable() -> str:
    """Debian's chromium; without it the journeys skip, and fail under CI."""
    executable = _chromium()
    if executable is None:
        message = "Browser journeys need Debian's chromium package (/usr/bin/chromium)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return executable


@pytest.fixture(scope="session")
def playwright_driver():
    """The one Playwright driver of the test run: its sync API allows a single instance per thread."""
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        playwright.chromium_executable = executable
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver):
    with tempfile.TemporaryDirectory() as profile:
        context = playwright_driver.chromium.launch_persistent_context(
            profile,
            executable_path=playwright_driver.chromium_executable,
            headless=True,
            args=CHROMIUM_ARGS,
            locale="zh-CN",
        )
        yield context
        context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()
    browser.clear_cookies()


@pytest.fixture
def seeded(live_server):
    """The live site with the seed data and the demo users loaded."""
    call_command("load_seeds", demo_users=True, verbosity=0)
    return live_server


def sign_in(page, base_url: str, username: str, path: str = "/", viewport: dict | None = None) -> None:
    """Start a fresh session (no cookies of the previous user) and sign in as a demo user, landing on `path`."""
    page.context.clear_cookies()
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(f"{base_url}{reverse('login')}?next={quote(path)}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.locator("form:has(input[name=username]) button[type=submit]").click()
    page.wait_for_url(f"{base_url}{path}")


def search_picker(page, words: str) -> None:
    """Type into the open picker's search box and wait for the answer to that search (not an earlier one)."""
    page.locator(".select2-container--open .select2-search__field").first.fill(words)
    # Each search shows a "searching" row until its own answer replaces the list.
    page.locator(".select2-results__option.loading-results").wait_for(state="detached")


def pick(page, select: str, text: str, *, typed: str | None = None) -> None:
    """Choose the row labelled `text` in a searchable picker (config/widgets.py) by typing `typed` (by
    default the whole label) into its search box and tapping the row, as a user does."""
    page.locator(f"{select} + .select2-container .select2-selection").click()
    search_picker(page, typed or text)
    page.locator(".select2-results__option[aria-selected]", has_text=text).first.click()
    page.locator(f"{select} + .select2-container .select2-selection", has_text=text).wait_for()


def submit(page, button, *, errors: str = ".alert-danger, .invalid-feedback") -> None:
    """Click a submit button, wait for the page that follows, and check it reports no error."""
    with page.expect_navigation():
        button.click()
    shown = page.locator(errors)
    assert shown.count() == 0, shown.all_inner_texts()
