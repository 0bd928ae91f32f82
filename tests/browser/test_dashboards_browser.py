"""A council member browses the dashboards: overview, goal, roadmap, as-of."""

import datetime as dt

import pytest
from django.core.management import call_command

from core.roles import Role
from initiatives.tests.conftest import REAL_FILE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def full_data(transactional_db):
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("import_roadmap", str(REAL_FILE), "--version", "2026-08", verbosity=0)
    call_command("recompute_progress", verbosity=0)


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
    day = dt.date.today() - dt.timedelta(days=1)
    page.locator("#as-of-date").fill(day.isoformat())
    page.locator(".as-of button").click()
    page.wait_for_load_state()
    assert f"as_of={day.isoformat()}" in page.url
    assert page.locator(".as-of-banner").is_visible()
