"""The goal page explains its roll-up as the indicator page explains a status:
which indicators, their scores, the mean, the band; as of the shown day."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from indicators.snapshots import snapshots_as_of
from strategy.models import Goal
from strategy.selectors import goal_page, goal_progress_as_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)


def explainer(client, user, code, **params) -> str:
    client.force_login(user)
    with translation.override("nb"):
        response = client.get(reverse("strategy:goal", args=[code]), params)
    assert response.status_code == 200
    html = response.content.decode()
    return html.split('id="goal-explainer-title"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("day", [None, dt.date(2021, 6, 30), dt.date(2024, 6, 30)])
def test_the_explained_mean_is_the_stored_roll_up_of_that_day(demo, day):
    goal = Goal.objects.get(code="M4")
    page = goal_page(code="M4", as_of=day)
    explanation = page.explanation
    stored = goal_progress_as_of(as_of=day)["M4"]
    assert explanation.mean == pytest.approx(stored.score)
    snapshots = snapshots_as_of(
        indicator_ids=goal.indicators.values_list("pk", flat=True), as_of=day
    )
    assert {line.indicator.pk: line.score for line in explanation.lines} == {
        pk: s.score for pk, s in snapshots.items()
    }
    reached = [band.status for band in explanation.bands if band.reached]
    if stored.score is None:  # nothing to assess that day: no band
        assert (reached, stored.status) == ([], "not_available")
    elif stored.status != "target_achieved":
        assert reached == [stored.status]


def test_goal_page_shows_the_scores_the_mean_and_the_band(demo, client, council_member):
    html = explainer(client, council_member, "M2", as_of="2024-06-30")
    page = goal_page(code="M2", as_of=dt.date(2024, 6, 30))
    assert [row for row in re.findall(r'<th scope="row">([^<]+)</th>', html)] == [
        "DEMO-M2-1",
        "DEMO-M2-2",
        "DEMO-M2-3",
    ]
    formula = re.search(r"<code>\(([^)]*)\) / 3 = ([^<]+)</code>", html)
    assert formula is not None
    mean = page.explanation.mean
    assert formula.group(2) == ("+" if mean >= 0 else "−") + f"{abs(mean):.1f}".replace(
        ".", ","
    )
    assert "er gjennomsnittet av skårene til de 3 indikatorene" in html
    assert "Skårintervaller" in html
    assert html.count("<td>Ja</td>") == 3 + 1  # three in the mean, one band


def test_an_indicator_that_cannot_be_assessed_is_left_out_and_said(
    demo, client, council_member
):
    # As of mid-2019 only the 2018 values were approved: nothing can be assessed.
    html = explainer(client, council_member, "M1", as_of="2019-06-30")
    assert "Ingen av målets indikatorer kan vurderes ennå" in html
    assert "<code>" not in html
