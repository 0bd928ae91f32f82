"""Projections that respect the natural limit and the measurable range, a pace
sentence that reads right for both directions, and no target past the limit
(issue 15; issue 21 item 4)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from councils.services import agenda_item_add, meeting_pack_freeze
from indicators.models import Indicator
from indicators.snapshots import snapshot_as_of
from strategy.services import progress_recompute
from tests.api_helpers import assert_error
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeetingFactory,
)

API = "/api/v1"


@pytest.fixture
def demo(db):
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)


def page(client, user, code: str) -> str:
    client.force_login(user)
    with translation.override("nb"):
        response = client.get(reverse("indicators:detail", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


# --- The natural limit --------------------------------------------------------


def test_demo_m4_1_projection_stops_at_its_limit_on_page_and_explainer(
    demo, client, council_member
):
    # Percent with limit 100: 90,6 % in 2026 at 15,7 % a year was projected as
    # 162,54 in 2030.
    indicator = Indicator.objects.get(code="DEMO-M4-1")
    components = snapshot_as_of(indicator_id=indicator.pk).components
    assert components["projected_value_at_target"] == 100.0
    assert components["projection_at_limit"] is True
    assert 2026 < components["limit_reached_time"] < 2027
    html = page(client, council_member, "DEMO-M4-1")
    assert "162,54" not in html
    assert "nå den naturlige grensen 100 % i 2026 og kan ikke passere den" in html
    assert "100 % (den naturlige grensen, nådd i 2026)" in html


def test_the_pack_and_its_pdf_say_the_projection_stops_at_the_limit(
    demo, client, council_member, secretariat
):
    meeting = MeetingFactory(date=timezone.localdate() + dt.timedelta(days=7))
    agenda_item_add(
        meeting=meeting,
        title="Status",
        kind="drøfting",
        indicators=[Indicator.objects.get(code="DEMO-M4-1")],
    )
    meeting_pack_freeze(meeting=meeting, user=secretariat)
    client.force_login(council_member)
    with translation.override("nb"):
        html = client.get(reverse("councils:pack", args=[meeting.pk])).content.decode()
    # The PDF renders the same partial, its figure captions the same summary.
    assert "nå den naturlige grensen 100 % i 2026 og kan ikke passere den" in html
    assert "162,54" not in html


def test_indicator_page_shows_the_natural_limit(demo, client, council_member):
    html = page(client, council_member, "DEMO-M4-1")
    assert "<dt>Naturlig grense</dt><dd>100 %</dd>" in html
    html = page(client, council_member, "DEMO-M2-2")
    assert "<dt>Naturlig grense</dt><dd>–</dd>" in html


# --- The pace, both ways -------------------------------------------------------


def test_demo_m2_2_pace_says_a_fall_is_needed_and_the_value_rises(
    demo, client, council_member
):
    html = page(client, council_member, "DEMO-M2-2")
    assert "Det trengs en nedgang på 11,43 % per år for å nå målet." in html
    assert "Verdien øker med 2,02 % per år: feil vei." in html
    assert "er lik eller høyere enn" not in html


# --- A target past the limit is refused ----------------------------------------


def form_data(goal, **extra):
    return {
        "code": "LIM-1",
        "goal": goal.pk,
        "name_nb": "Andel",
        "unit": "percent",
        "direction": "increase",
        "target_year": "2030",
        "frequency": "annual",
        "limit": "100",
        **extra,
    }


def test_form_refuses_a_target_beyond_the_natural_limit(client, secretariat):
    goal = GoalFactory()
    client.force_login(secretariat)
    with translation.override("nb"):
        response = client.post(
            reverse("indicators:create"), form_data(goal, target_value="120")
        )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["target_value"] == [
        "Målet 120 ligger utenfor den naturlige grensen 100, som indikatoren "
        "ikke kan passere."
    ]
    assert not Indicator.objects.exists()


def test_form_refuses_a_new_limit_below_the_target_of_a_decreasing_indicator(
    client, secretariat
):
    indicator = IndicatorFactory(
        code="LIM-1", direction="decrease", target_value=Decimal(5), limit=None
    )
    client.force_login(secretariat)
    data = form_data(indicator.goal, direction="decrease", target_value="5", limit="10")
    response = client.post(reverse("indicators:edit", args=["LIM-1"]), data)
    assert response.status_code == 400
    assert "target_value" in response.context["form"].errors
    indicator.refresh_from_db()
    assert indicator.limit is None


def test_api_refuses_a_target_beyond_the_natural_limit_with_the_field(
    real_strategy, secretariat, client
):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(secretariat)
    body = {
        "code": "LIM-1",
        "goal": "M1",
        "name": "Andel",
        "unit": "percent",
        "direction": "increase",
        "frequency": "annual",
        "target_value": "120",
        "limit": "100",
    }
    response = api.post(f"{API}/indicators/", body, format="json")
    details = assert_error(response, 400, "invalid")["details"]
    assert list(details) == ["target_value"]
    assert "100" in details["target_value"][0]
    body["target_value"] = "100"
    assert api.post(f"{API}/indicators/", body, format="json").status_code == 201
    patch = api.patch(
        f"{API}/indicators/LIM-1/",
        {
            "target_value": "101",
            "change_reason": "Vedtak",
            "effective_from": "2026-12-10",
        },
        format="json",
    )
    assert "target_value" in assert_error(patch, 400, "invalid")["details"]


# --- Beyond the measurable range (issue 21 item 4) -----------------------------


@pytest.fixture
def exploding(db):
    """Issue 21's repro: baseline 100 (2020), target 200 (2030), 5,000,000
    approved for 2021-01 of a monthly indicator."""
    indicator = IndicatorFactory(
        code="BIG-1",
        unit="count",
        frequency="monthly",
        baseline_value=Decimal(100),
        baseline_year=2020,
        target_value=Decimal(200),
        target_year=2030,
    )
    IndicatorValueFactory(
        indicator=indicator,
        period_start=dt.date(2021, 1, 1),
        granularity="monthly",
        value=Decimal(5_000_000),
        status="approved",
        approved_at=timezone.now() - dt.timedelta(hours=1),
    )
    progress_recompute(indicator_ids=[indicator.pk])
    return indicator


def test_a_projection_past_the_measurable_range_is_said_on_page_and_api(
    exploding, client, council_member
):
    """On PostgreSQL this was a 500 on both: jsonb gave the projection back as
    an integer of 50 digits, which orjson refuses (the real-service run)."""
    html = page(client, council_member, "BIG-1")
    assert "utenfor det målbare området" in html
    response = client.get(f"{API}/indicators/BIG-1/progress/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["components"]["projected_value_at_target"] is None
    assert body["components"]["out_of_range"] == ["projected_value_at_target"]


@pytest.mark.real_services
def test_a_legacy_snapshot_with_a_huge_integer_is_served(
    exploding, client, council_member
):
    """A snapshot stored before the bound: jsonb holds a 50-digit integer."""
    snapshot = exploding.snapshots.get(as_of=timezone.localdate())
    snapshot.components = {
        **snapshot.components,
        "projected_value_at_target": 10**49,
        "out_of_range": [],
    }
    snapshot.save(update_fields=["components"])
    snapshot.refresh_from_db()
    assert snapshot.components["projected_value_at_target"] == 10**49
    assert "utenfor det målbare området" in page(client, council_member, "BIG-1")
    response = client.get(f"{API}/indicators/BIG-1/progress/")
    assert response.status_code == 200, response.content
    assert response.json()["components"]["projected_value_at_target"] is None
