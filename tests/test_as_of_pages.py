"""One truth on every page (issue 15): each page that shows strategy state
honours ``?as_of=`` or says plainly that it shows today, and a definition is
shown as it applies, with a change to come announced."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from councils.services import agenda_item_add, decision_record, meeting_pack_freeze
from indicators.models import Indicator
from initiatives.models import IndicatorContribution, Initiative, StatusReport
from strategy.plan import plan_adjust
from strategy.services import progress_recompute
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MeetingFactory,
)
from tests.helpers import clock_at

pytestmark = pytest.mark.django_db
MID_2024 = "2024-06-30"


@pytest.fixture
def demo(db):
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)


def get(client, user, url, **params):
    client.force_login(user)
    with translation.override("nb"):
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


# --- The indicator page ---------------------------------------------------------


def test_indicator_page_as_of_lists_only_that_days_official_values(
    demo, client, council_member
):
    """The banner said 30.06.2024 while the table listed 2024-2026 and the
    status was judged on 2022 alone."""
    html = get(
        client,
        council_member,
        reverse("indicators:detail", args=["DEMO-M2-2"]),
        as_of=MID_2024,
    )
    assert "30. juni 2024" in html
    table = between(html, 'id="values-title"', "</table>")
    periods = re.findall(r'<th scope="row">(\d{4})</th><td>([^<]*)</td>', table)
    # 2024 had begun, with no value yet; 2025 and 2026 did not exist.
    assert [p for p, _v in periods] == [str(y) for y in range(2024, 2017, -1)]
    assert periods[0] == ("2024", "–") and periods[1] == ("2023", "12")
    assert "badge-provisional" not in table and "<details>" not in table
    assert 'id="entry-title"' not in html  # values are entered on today's page
    chart = between(html, 'id="chart-values-DEMO-M2-2-data">', "</script>")
    assert '"x":[2018.0,2019.0,2020.0,2021.0,2022.0,2023.0]' in chart.replace(" ", "")
    assert "mindre enn ett år etter utgangspunktet" not in html


def test_indicator_page_today_still_offers_entry_and_history(demo, client, secretariat):
    html = get(client, secretariat, reverse("indicators:detail", args=["DEMO-M2-2"]))
    assert 'id="entry-title"' in html
    assert "2026</th>" in between(html, 'id="values-title"', "</table>")


# --- A target changed by a council decision, announced before it applies -----------


@pytest.fixture
def decided(secretariat):
    """Decision 2/26, "Juster planen": target 90 → 95 from the meeting day,
    10.12.2026, recorded a few days before (the clock stands at 06.12.2026)."""
    recorded = timezone.make_aware(dt.datetime(2026, 12, 6, 12))
    with clock_at(recorded - dt.timedelta(days=300)):
        indicator = IndicatorFactory(
            code="PLAN-1",
            baseline_value=Decimal(50),
            baseline_year=2020,
            target_value=Decimal(90),
            target_year=2030,
        )
        IndicatorValueFactory(
            indicator=indicator,
            period_start=dt.date(2024, 1, 1),
            value=Decimal(70),
            status="approved",
            approved_at=timezone.now(),
        )
    meeting = MeetingFactory(date=dt.date(2026, 12, 10))
    agenda_item_add(meeting=meeting, title="Orientering", kind="orientering")
    item = agenda_item_add(
        meeting=meeting,
        title="Juster planen",
        kind="beslutning",
        indicators=[indicator],
    )
    with clock_at(recorded):
        decision = decision_record(
            agenda_item=item, text="Målet heves til 95.", decided_on=meeting.date
        )
        plan_adjust(
            decision=decision,
            user=secretariat,
            reason="Juster planen",
            indicator=indicator,
            target_value=Decimal(95),
        )
        progress_recompute(indicator_ids=[indicator.pk])
    return indicator, meeting, recorded


def test_a_scheduled_target_is_announced_and_the_current_one_used_everywhere(
    decided, client, council_member, secretariat
):
    indicator, meeting, recorded = decided
    with clock_at(recorded):
        html = get(client, council_member, indicator.get_absolute_url())
        freeze = meeting_pack_freeze(meeting=meeting, user=secretariat)
        pack = get(client, council_member, reverse("councils:pack", args=[meeting.pk]))
        api = client.get(f"/api/v1/indicators/{indicator.code}/progress/").json()
    target = between(html, "<dt>Målverdi</dt><dd>", "</dd>")
    assert target.startswith("90 (2030); ")
    assert "95 fra 10.12.2026, vedtak 2/26" in target
    assert "Målverdi: 90 i 2030." in html  # the chart's summary
    assert api["components"]["target_value"] == 90.0
    (frozen,) = freeze.content["items"][1]["indicators"]
    assert frozen["components"]["target_value"] == 90.0
    assert frozen["target"]["later"][0]["decision"] == "2/26"
    assert "95 fra 10.12.2026, vedtak 2/26" in pack


def test_from_the_decided_day_the_new_target_applies(decided, client, council_member):
    indicator, _meeting, _recorded = decided
    with clock_at(timezone.make_aware(dt.datetime(2026, 12, 10, 0, 10))):
        call_command("recompute_progress", verbosity=0, stdout=None)
        html = get(client, council_member, indicator.get_absolute_url())
        as_of_before = get(
            client, council_member, indicator.get_absolute_url(), as_of="2026-12-09"
        )
    assert between(html, "<dt>Målverdi</dt><dd>", "</dd>") == "95 (2030)"
    assert "Målverdi: 95 i 2030." in html
    before = between(as_of_before, "<dt>Målverdi</dt><dd>", "</dd>")
    assert before.startswith("90 (2030); ") and "95 fra 10.12.2026" in before


# --- The API -------------------------------------------------------------------


def test_api_progress_as_of_answers_for_that_day_from_its_inputs(
    demo, client, council_member
):
    """It answered with the 2023-12-31 snapshot, on 2022 alone."""
    client.force_login(council_member)
    body = client.get(
        "/api/v1/indicators/DEMO-M2-2/progress/", {"as_of": MID_2024}
    ).json()
    assert body["as_of"] == MID_2024
    assert body["inputs_changed_on"] == "2024-03-01"
    assert body["components"]["current_time"] == 2023.0


# --- The overview, the indicator list, initiatives, councils -------------------------


def test_overview_as_of_mid_2024_assesses_the_indicators(demo, client, council_member):
    """All 15 indicators were "Kan ikke vurderes" as of 30.06.2024."""
    html = get(client, council_member, "/", as_of=MID_2024)
    assert "status-not_available" not in html  # no goal, no count of indicators
    assert html.count('class="goal-status"') == 5


def test_indicator_list_honours_as_of(demo, client, council_member):
    today = get(client, council_member, reverse("indicators:list"))
    past = get(client, council_member, reverse("indicators:list"), as_of=MID_2024)
    assert "Venter på godkjenning" in today
    assert "Venter på godkjenning" not in past and "30. juni 2024" in past
    row = between(past, ">DEMO-M2-2</a>", "</tr>")
    assert "<td>2023</td>" in row
    assert f'href="/indicators/DEMO-M2-2/?as_of={MID_2024}"' in past


def test_indicator_list_bad_as_of_is_400(db, client, council_member):
    client.force_login(council_member)
    response = client.get(reverse("indicators:list"), {"as_of": "2024-02-30"})
    assert response.status_code == 400


def test_initiatives_as_of_show_the_reports_and_statuses_of_that_day(
    demo, client, council_member
):
    initiative = Initiative.objects.order_by("code").first()
    IndicatorContribution.objects.create(
        initiative=initiative, indicator=Indicator.objects.get(code="DEMO-M2-2")
    )
    StatusReport.objects.create(
        initiative=initiative,
        period="2026-T3",
        rag="green",
        narrative="Alt går etter planen.",
        reported_at=timezone.now(),
    )
    url = reverse("initiatives:detail", args=[initiative.code])
    today = get(client, council_member, url)
    past = get(client, council_member, url, as_of=MID_2024)
    assert "Alt går etter planen." in today
    assert "Alt går etter planen." not in past
    assert "30. juni 2024" in past
    listing = get(client, council_member, reverse("initiatives:list"), as_of=MID_2024)
    assert f'href="{url}?as_of={MID_2024}"' in listing


@pytest.mark.parametrize("page", ["council", "meeting"])
def test_council_pages_say_they_show_today(db, client, council_member, page):
    meeting = MeetingFactory()
    url = (
        reverse("councils:detail", args=[meeting.council.slug])
        if page == "council"
        else reverse("councils:meeting", args=[meeting.pk])
    )
    plain = get(client, council_member, url)
    asked = get(client, council_member, url, as_of=MID_2024)
    assert "slik de står i dag." in plain
    assert "slik de står i dag, ikke per 30.06.2024." in asked
