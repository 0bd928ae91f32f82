"""A council member picks a past date on the overview, follows a goal and an
indicator: every page carries the same date and shows no value approved after
it (issue 15)."""

import re

import pytest
from django.core.management import call_command

from core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)
DAY = "2024-06-30"  # the demo's 2023 values were approved on 1 March 2024
BANNER = "30. juni 2024"


@pytest.fixture
def strategy_with_demo(transactional_db):
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)


def assert_shown_as_of_the_day(page) -> None:
    assert f"as_of={DAY}" in page.url
    banner = page.locator(".as-of-banner")
    assert BANNER in banner.inner_text()
    assert page.locator("#as-of-date").input_value() == DAY


def test_a_past_day_carries_from_the_overview_to_a_goal_and_an_indicator(
    page, log_in, check_accessibility, strategy_with_demo
):
    log_in(Role.COUNCIL_MEMBER)
    page.goto("/")
    page.locator("#as-of-date").fill(DAY)
    page.get_by_role("button", name="Vis", exact=True).click()
    page.wait_for_load_state()
    assert_shown_as_of_the_day(page)
    # Every indicator can be judged on its 2022 baseline and 2023 value.
    assert page.locator(".goal-status .status-not_available").count() == 0
    check_accessibility("as-of-overview")

    page.locator("#M2 h2 a").click()
    page.wait_for_load_state()
    assert_shown_as_of_the_day(page)
    latest = page.locator(
        "#indicators-title + .table-scroll table tbody tr td:last-child"
    )
    assert latest.count() == 3
    for cell in latest.all_inner_texts():
        assert cell.endswith("(2023)"), cell  # 2024's values came in 2025
    assert page.locator("#goal-explainer-title").is_visible()
    check_accessibility("as-of-goal")

    page.get_by_role("link", name="DEMO-M2-2").click()
    page.wait_for_load_state()
    assert_shown_as_of_the_day(page)
    rows = page.locator("#values-title ~ .table-scroll table tbody tr")
    periods = {
        row.locator("th").inner_text(): row.locator("td").inner_text()
        for row in rows.all()
    }
    assert set(periods) == {str(year) for year in range(2018, 2025)}
    assert periods["2024"] == "–" and periods["2023"] == "12"
    assert page.locator("#entry-title").count() == 0
    figure = page.locator("[id='chart-values-DEMO-M2-2-data']").text_content()
    years = {float(x) for x in re.findall(r"20\d\d\.0", figure.split('"y"')[0])}
    assert max(years) == 2023.0
    check_accessibility("as-of-indicator")
