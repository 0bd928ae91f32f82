"""A council member browses the dashboards: overview, goal, roadmap, as-of."""

import datetime as dt

import pytest
from django.utils import timezone

from core.roles import Role
from tests.browser.helpers import log_in_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_dashboards_render_charts_and_pass_axe(
    page, log_in, check_accessibility, full_data
):
    log_in(Role.COUNCIL_MEMBER)
    page.wait_for_selector("#chart-status-distribution .main-svg")
    check_accessibility("dashboard-overview")

    page.get_by_role("link", name="Aktiv medvirkning i egen og næres helse").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("M1")
    assert page.locator("svg.sparkline").count() == 3
    # The goal's roadmap deliveries load when scrolled to.
    page.locator("#deliveries-title").scroll_into_view_if_needed()
    page.wait_for_selector("#chart-roadmap .main-svg")
    assert page.locator("table.deliveries tbody tr").count() > 10
    check_accessibility("dashboard-goal")

    page.locator("a", has_text="DEMO-M1-1").first.click()
    page.wait_for_selector("#chart-values-DEMO-M1-1 .main-svg")
    assert page.locator("#status-explainer-title").is_visible()
    check_accessibility("dashboard-indicator")

    page.goto("/roadmap/?goal=M1")
    page.wait_for_selector("#chart-roadmap .main-svg")
    check_accessibility("dashboard-roadmap")


def test_picking_an_as_of_date_shows_the_banner(page, log_in, full_data):
    log_in(Role.COUNCIL_MEMBER)
    day = timezone.localdate() - dt.timedelta(days=1)
    page.locator("#as-of-date").fill(day.isoformat())
    page.locator(".as-of button").click()
    page.wait_for_load_state()
    assert f"as_of={day.isoformat()}" in page.url
    assert page.locator(".as-of-banner").is_visible()


def test_the_roadmap_as_of_a_date_shows_that_days_version(
    page, log_in, check_accessibility, full_data
):
    log_in(Role.COUNCIL_MEMBER)
    page.goto("/roadmap/?goal=M1")
    page.wait_for_selector("#chart-roadmap .main-svg")  # the lazy fragment, drawn

    # The roadmap was imported today: as of today that version is shown.
    today = timezone.localdate()
    page.locator("#as-of-date").fill(today.isoformat())
    page.locator(".as-of button").click()
    page.wait_for_load_state()
    assert f"as_of={today.isoformat()}" in page.url and "goal=M1" in page.url
    assert page.locator(".as-of-banner").is_visible()
    page.wait_for_selector("#chart-roadmap .main-svg")
    assert "2026-08" in page.locator(".roadmap-version").inner_text()
    assert page.locator("table.deliveries tbody tr").count() > 10
    check_accessibility("dashboard-roadmap-as-of")

    # The day before, no version had been imported yet.
    yesterday = today - dt.timedelta(days=1)
    page.locator("#as-of-date").fill(yesterday.isoformat())
    page.locator(".as-of button").click()
    page.wait_for_load_state()
    assert page.locator(".as-of-banner").is_visible()
    notice = page.locator("#deliveries-title + .notice")
    assert "Ingen versjon av veikartet" in notice.inner_text()  # bokmål first
    assert page.locator("#chart-roadmap").count() == 0
    check_accessibility("dashboard-roadmap-before-first-version")


def test_without_javascript_the_deliveries_open_as_a_page(
    browser, live_server, page, check_accessibility, full_data
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    no_js = context.new_page()
    log_in_page(no_js, Role.COUNCIL_MEMBER)
    no_js.goto("/roadmap/?goal=M1")
    assert no_js.locator("table.deliveries").count() == 0  # htmx would load them
    no_js.locator(".lazy a").click()
    no_js.wait_for_load_state()
    assert "/roadmap/deliveries/?goal=M1" in no_js.url
    assert no_js.locator("table.deliveries tbody tr").count() > 10
    assert no_js.locator(".chart-summary").is_visible()
    context.close()

    log_in_page(page, Role.COUNCIL_MEMBER)
    page.goto("/roadmap/deliveries/?goal=M1")
    page.wait_for_selector("#chart-roadmap .main-svg")
    check_accessibility("dashboard-roadmap-deliveries-page")


# Per table: the widths of its header cells, and their alignments.
COLUMNS_JS = """() => [...document.querySelectorAll('table.roadmap-table')].map(t =>
  [...t.querySelectorAll('thead th')].map(th =>
    [Math.round(th.getBoundingClientRect().width), getComputedStyle(th).textAlign]))"""


def test_the_roadmap_shows_an_overview_then_closed_sections_with_one_table_layout(
    page, log_in, check_accessibility, full_data
):
    log_in(Role.COUNCIL_MEMBER)
    page.goto("/roadmap/")
    page.wait_for_selector("#chart-roadmap .main-svg")
    # The overview comes first, and with the sections closed the page is short.
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, height
    # Years under the plot and over it: the same labels on both axes.
    bottom = page.locator("#chart-roadmap g.xtick text").all_text_contents()
    top = page.locator("#chart-roadmap g.x2tick text").all_text_contents()
    assert "2026" in bottom and top == bottom
    plot = page.locator("#chart-roadmap .nsewdrag").first.bounding_box()
    assert (
        page.locator("#chart-roadmap g.x2tick text").first.bounding_box()["y"]
        < plot["y"]
    )
    assert (
        page.locator("#chart-roadmap g.xtick text").first.bounding_box()["y"]
        > plot["y"]
    )
    check_accessibility("dashboard-roadmap-overview")

    sections = page.locator("details.roadmap-goal")
    assert sections.count() == 5
    sections.first.locator("> summary").click()
    first_sub_goal = sections.first.locator("details.roadmap-sub-goal").first
    first_sub_goal.locator("> summary").click()
    # Opened by a click (Designsystemet animates the opening).
    first_sub_goal.locator("table.roadmap-table").first.wait_for(state="visible")

    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    tables = page.evaluate(COLUMNS_JS)
    # One table per sub-goal, each with the same columns.
    assert len(tables) == page.locator("details.roadmap-sub-goal").count() > 5
    assert all(table == tables[0] for table in tables), "column widths differ"
    assert {align for table in tables for _width, align in table} <= {"left", "start"}
