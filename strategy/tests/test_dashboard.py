"""The overview and goal pages as of a date, from stored progress only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from strategy.models import Goal
from strategy.services import progress_recompute
from tests.factories import IndicatorFactory, IndicatorValueFactory, MeetingFactory

OVERVIEW = reverse("strategy:overview")


def approved_series(indicator, values: dict[int, str], approved_at):
    for year, value in values.items():
        IndicatorValueFactory(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            value=Decimal(value),
            status="approved",
            approved_at=approved_at,
        )


@pytest.fixture
def tracked(real_strategy):
    """An M1 indicator on track, recomputed as of two dates."""
    goal = Goal.objects.get(code="M1")
    indicator = IndicatorFactory(
        code="T-1",
        goal=goal,
        baseline_value=Decimal("40"),
        baseline_year=2020,
        target_value=Decimal("80"),
        target_year=2030,
    )
    approved_series(
        indicator,
        {2020: "40", 2021: "44", 2022: "48"},
        timezone.make_aware(dt.datetime(2023, 1, 5)),
    )
    progress_recompute(indicator_ids=[indicator.pk], as_of=dt.date(2023, 6, 1))
    approved_series(
        indicator,
        {2023: "38", 2024: "35"},
        timezone.make_aware(dt.datetime(2025, 1, 5)),
    )
    progress_recompute(indicator_ids=[indicator.pk], as_of=dt.date(2025, 6, 1))
    return indicator


def test_overview_shows_goal_status_and_chart(client, council_member, tracked):
    client.force_login(council_member)
    html = client.get(OVERVIEW).content.decode()
    assert "Negativ utvikling" in html  # M1 from its only indicator, now
    assert 'id="chart-status-distribution"' in html
    assert "plotly.min.js" in html


def test_overview_as_of_a_past_date_shows_that_days_status(
    client, council_member, tracked
):
    client.force_login(council_member)
    response = client.get(OVERVIEW, {"as_of": "2023-06-30"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "as-of-banner" in html and "30. juni 2023" in html
    m1 = html.split('id="M1"')[1].split("</article>")[0]
    assert "God fremgang" in m1 or "Mål nådd" in m1
    assert "Negativ utvikling" not in m1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2023-13-01", "is not a date"),
        ("i går", "is not a date"),
        ("2999-01-01", "cannot be in the future"),
    ],
)
def test_bad_as_of_is_a_clear_400(
    client, council_member, real_strategy, value, message
):
    from core.asof import AsOfError, as_of_from

    client.force_login(council_member)
    response = client.get(OVERVIEW, {"as_of": value})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    with pytest.raises(AsOfError, match=message), translation.override("en"):
        as_of_from({"as_of": value})


def test_changes_since_the_last_council_meeting(client, council_member, tracked):
    MeetingFactory(date=dt.date(2024, 3, 1))
    client.force_login(council_member)
    html = client.get(OVERVIEW, {"as_of": "2025-06-30"}).content.decode()
    section = html.split('id="changes-title"')[1]
    assert "T-1" in section and "Negativ utvikling" in section


def test_goal_page_lists_indicators_with_status_and_sparkline(
    client, council_member, tracked
):
    client.force_login(council_member)
    response = client.get(reverse("strategy:goal", args=["M1"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "T-1" in html and 'class="sparkline"' in html
    assert "1A" in html and "1A-1" in html


def test_goal_page_unknown_goal_is_404(client, council_member, real_strategy):
    client.force_login(council_member)
    assert client.get(reverse("strategy:goal", args=["M9"])).status_code == 404


def test_goal_page_roles(client, integration_user, real_strategy):
    url = reverse("strategy:goal", args=["M1"])
    assert client.get(url).status_code == 302
    client.force_login(integration_user)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("extra_indicators", [0, 10])
def test_goal_page_query_count_does_not_grow(
    client, council_member, tracked, extra_indicators, django_assert_max_num_queries
):
    goal = Goal.objects.get(code="M1")
    for n in range(extra_indicators):
        approved_series(
            IndicatorFactory(goal=goal, code=f"X-{n}"),
            {2020: "1", 2021: "2"},
            timezone.now(),
        )
    client.force_login(council_member)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("strategy:goal", args=["M1"])).status_code == 200


def test_goal_page_loads_its_roadmap_deliveries_as_of_the_same_date(
    client, council_member, tracked
):
    client.force_login(council_member)
    url = reverse("strategy:goal", args=["M1"])
    html = client.get(url, {"as_of": "2025-06-30"}).content.decode()
    deliveries = reverse("initiatives:roadmap_deliveries")
    lazy = f"{deliveries}?goal=M1&amp;as_of=2025-06-30"
    assert f'hx-get="{lazy}" hx-trigger="revealed"' in html
    assert f'<a href="{lazy}">' in html  # the way without JavaScript
    assert f'hx-get="{deliveries}?goal=M1"' in client.get(url).content.decode()
