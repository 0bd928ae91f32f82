"""Browser tests: Playwright for Python driving Debian's Chromium.

Never downloads a browser. Without /usr/bin/chromium the tests are skipped,
unless REQUIRE_BROWSER=1 (set by .ci/run, which installs Chromium first).
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.helpers import _prepared, axe_check, log_in_page

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between page actions are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not installed (.ci/run installs it)")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # An English browser: the service must still answer in Norwegian.
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 1280, "height": 900},
    )
    page = _prepared(context.new_page())
    yield page
    context.close()


@pytest.fixture
def log_in(page):
    return lambda role: log_in_page(page, role)


@pytest.fixture
def new_page(browser, live_server):
    """Another user's browser: a fresh context with the same checks."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, locale="nb-NO")
        contexts.append(context)
        return _prepared(context.new_page())

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def check_accessibility(page):
    return lambda name: axe_check(page, name)


@pytest.fixture
def full_data(transactional_db):
    """The real strategy and roadmap, the demo indicators, progress computed."""
    from initiatives.tests.helpers import REAL_FILE

    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("import_roadmap", str(REAL_FILE), "--version", "2026-08", verbosity=0)
    call_command("recompute_progress", verbosity=0)
