"""Plain helpers of the browser tests: log in, prepare a page, check with axe-core.

The fixtures that use them (``page``, ``log_in``, ``check_accessibility`` …) are
in ``conftest.py``.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

from core.roles import Role
from tests.factories import UserFactory

AXE_JS = Path(__file__).with_name("axe.min.js")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "browser-test-password"


def log_in_page(page, role: Role) -> None:
    """Log a new user with this role in, through the login form."""
    user = UserFactory(roles=[role], password=PASSWORD)
    page.goto("/login/")
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


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
