"""Browser tests: Playwright for Python driving Debian's Chromium.

Never downloads a browser. Without /usr/bin/chromium the tests are skipped,
unless REQUIRE_BROWSER=1 (set by .ci/run, which installs Chromium first).
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from core.roles import Role
from tests.factories import UserFactory

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_JS = Path(__file__).with_name("axe.min.js")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "browser-test-password"

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


def log_in_page(page, role: Role) -> None:
    """Log a new user with this role in, through the login form."""
    user = UserFactory(roles=[role], password=PASSWORD)
    page.goto("/login/")
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


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


def _prepared(page):
    # axe-core is served from the page's own origin, so the strict CSP holds.
    page.route("**/__axe__.js", lambda route: route.fulfill(path=str(AXE_JS)))
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and page.console_errors.append(message.text)
        ),
    )
    return page


def axe_check(page, name: str) -> None:
    """Screenshot the page, then run axe-core and fail on serious issues."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert not page.console_errors, page.console_errors  # CSP violations too
    if not getattr(page, "javascript_enabled", True):
        _axe_check_without_javascript(page, name)
        return
    page.add_script_tag(url="/__axe__.js")
    results = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{name}: " + "; ".join(serious)


def _axe_check_without_javascript(page, name: str) -> None:
    """axe-core needs JavaScript: check what a browser without it rendered.

    The page's HTML, its own scripts removed so that it stays as it was
    without JavaScript, is served at the same origin (its styles load) in a
    context with JavaScript on, where axe-core runs.
    """
    html = re.sub(r"<script\b[^>]*>.*?</script>", "", page.content(), flags=re.S)
    origin = urlsplit(page.url)
    context = page.context.browser.new_context(
        base_url=f"{origin.scheme}://{origin.netloc}"
    )
    try:
        snapshot = _prepared(context.new_page())
        snapshot.route(
            "**/__no_js_snapshot__",
            lambda route: route.fulfill(body=html, content_type="text/html"),
        )
        snapshot.goto("/__no_js_snapshot__")
        snapshot.wait_for_load_state()
        axe_check(snapshot, f"{name}-axe")
    finally:
        context.close()


@pytest.fixture
def check_accessibility(page):
    return lambda name: axe_check(page, name)
