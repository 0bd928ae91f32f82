"""The main pages at a desktop and a phone size, in both languages: nothing
wider than the screen, no chart legend over a title, axe-core clean.

Screenshots go to test-artifacts/screenshots/ (not committed).
"""

import datetime as dt

import pytest

from core.roles import Role
from councils.models import Council
from councils.services import agenda_item_add, meeting_create, meeting_pack_freeze
from indicators.models import Indicator
from tests.browser.helpers import PASSWORD, _prepared, axe_check
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}

# Every chart drawn on the page: the bounding boxes of Plotly's title, axis
# titles and legend, and how wide the drawing is against its box.
CHART_LAYOUT_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
  const box = el => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return r.width && r.height ? [r.left, r.top, r.right, r.bottom] : null;
  };
  const texts = [...gd.querySelectorAll('text.gtitle, text.xtitle, text.ytitle')];
  return {
    id: gd.id,
    legend: box(gd.querySelector('g.legend')),
    titles: texts.map(t => [t.textContent, box(t)]).filter(([, b]) => b),
    width: gd.querySelector('.main-svg').getBoundingClientRect().width,
    room: gd.parentElement.clientWidth,
  };
})"""

# For the failure message: the outermost shown elements that reach past the
# window's right edge (what scrolls inside its own box does not count).
WIDE_ELEMENTS_JS = """() => {
  const past = el => el.getBoundingClientRect().right > innerWidth + 1;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.checkVisibility() && !el.closest('.table-scroll, svg'))
    .filter(el => past(el) && !past(el.parentElement))
    .slice(0, 5)
    .map(el => `${el.tagName}.${el.className} ${el.getBoundingClientRect().width}`);
}"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture
def site(full_data):
    """A person with every role (the widest header), a meeting, its pack."""
    user = UserFactory(
        roles=[
            Role.COUNCIL_MEMBER,
            Role.SECRETARIAT,
            Role.APPROVER,
            Role.ADMINISTRATOR,
        ],
        password=PASSWORD,
    )
    council = Council.objects.order_by("pk").first()
    meeting = meeting_create(
        council=council, date=dt.date(2026, 12, 10), title="Desembermøte"
    )
    agenda_item_add(
        meeting=meeting,
        title="Status for målindikator",
        kind="drøfting",
        indicators=Indicator.objects.filter(code="DEMO-M1-1"),
    )
    meeting_pack_freeze(meeting=meeting, user=user)
    return {"user": user, "meeting": meeting}


def _log_in(page, user, language):
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if language == "en":
        page.locator(".lang-switch button").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def _import_preview(page, tmp_path) -> str:
    page.goto("/indicators/imports/new/")
    upload = tmp_path / "verdier.csv"
    upload.write_bytes(
        "indikator;periode;verdi;kommentar\nDEMO-M1-1;2025;64,5;Ny måling\n".encode(
            "cp1252"
        )
    )
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("main form button.primary").click()
    page.wait_for_load_state()
    assert "/indicators/imports/" in page.url
    return page.url


def _settle(page) -> None:
    """Load the lazy widgets (they load when scrolled to) and their charts."""
    # Scrolled on every poll: a scroll before htmx was ready reveals nothing.
    page.wait_for_function(
        """() => {
          window.scrollTo(0, document.body.scrollHeight);
          return [...document.querySelectorAll('.lazy[hx-get]')]
            .every(el => el.querySelector('table, .chart, .ds-alert'))
            && [...document.querySelectorAll('.chart-plot')]
            .every(el => el.dataset.drawn);
        }""",
        polling=250,
        timeout=90_000,  # the whole roadmap's fragment and timeline
    )
    page.evaluate("window.scrollTo(0, 0)")


def _check_layout(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, (
        f"{name}: page {width} px wide in a {inner} px window: "
        + ", ".join(page.evaluate(WIDE_ELEMENTS_JS))
    )
    for chart in page.evaluate(CHART_LAYOUT_JS):
        assert chart["width"] <= chart["room"] + 1, f"{name}: {chart}"
        if chart["legend"]:
            for text, box in chart["titles"]:
                assert not _overlap(chart["legend"], box), (
                    f"{name}: legend of {chart['id']} over {text!r}"
                )


@pytest.mark.parametrize("language", ["nb", "en"])
def test_main_pages_fit_desktop_and_phone(
    browser, live_server, site, tmp_path, language
):
    meeting = site["meeting"].pk
    pages = {
        "overview": "/",
        "goal": "/goals/M1/",
        "indicator": "/indicators/DEMO-M1-1/",
        "indicator-list": "/indicators/",
        "roadmap": "/roadmap/",
        "meeting": f"/meetings/{meeting}/",
        "pack": f"/meetings/{meeting}/pack/",
        "audit": "/audit/",
    }
    for viewport, (width, height) in VIEWPORTS.items():
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale="nb-NO" if language == "nb" else "en-GB",
        )
        page = _prepared(context.new_page())
        try:
            _log_in(page, site["user"], language)
            pages["import-preview"] = _import_preview(page, tmp_path)
            for name, url in pages.items():
                page.goto(url)
                page.wait_for_load_state()
                _settle(page)
                label = f"layout-{name}-{viewport}-{language}"
                _check_layout(page, label)
                axe_check(page, label)
        finally:
            context.close()


def test_pages_print_their_content_without_the_controls(browser, live_server, site):
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    page = _prepared(context.new_page())
    try:
        _log_in(page, site["user"], "nb")
        page.emulate_media(media="print")
        meeting = site["meeting"].pk
        for url in [
            "/",
            "/goals/M1/",
            "/indicators/DEMO-M1-1/",
            f"/meetings/{meeting}/",
        ]:
            page.goto(url)
            _settle(page)
            assert page.locator("h1").is_visible()
            for control in (".site-menu", ".header-tools", ".as-of", "main .ds-button"):
                assert not page.locator(control).first.is_visible(), (url, control)
            _check_layout(page, f"print-{url}")
    finally:
        context.close()


# The button's text, line by line: the distinct tops of its text's boxes, and
# its content height against one line of its font.
BUTTON_LINES_JS = """button => {
  const range = document.createRange();
  range.selectNodeContents(button);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  const style = getComputedStyle(button);
  const inner = button.clientHeight
    - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return {lines: tops.size, inner, line: parseFloat(style.lineHeight)};
}"""


@pytest.mark.parametrize("language", ["nb", "en"])
def test_log_out_stays_on_one_line_on_a_phone_for_an_administrator(
    browser, live_server, transactional_db, language
):
    # Every role: the most menu entries and header tools there can be.
    user = UserFactory(
        username="administrator.med.langt.navn",
        roles=[
            Role.COUNCIL_MEMBER,
            Role.SECRETARIAT,
            Role.APPROVER,
            Role.ADMINISTRATOR,
        ],
        password=PASSWORD,
    )
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    page = _prepared(context.new_page())
    try:
        _log_in(page, user, language)
        button = page.locator(".logout button")
        assert button.inner_text() == {"nb": "Logg ut", "en": "Log out"}[language]
        box = button.evaluate(BUTTON_LINES_JS)
        assert box["lines"] == 1, box
        # Designsystemet's buttons have a minimum height: one line fits it,
        # two lines (the wrapped "Logg" / "ut") do not.
        assert box["inner"] < 2 * box["line"], box
        _check_layout(page, f"header-phone-{language}")
        axe_check(page, f"header-phone-{language}")
    finally:
        context.close()
