"""The indicator page by region: a status per series, the map with its table,
the comparison with the national figure, as of any date, in a number of
queries that does not grow with the number of series."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.models import BreakdownDimension, SeriesSnapshot
from strategy.services import progress_recompute
from tests.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db

COUNTIES = ["03", "11", "15", "18", "31", "32", "33", "34", "39", "40", "42", "46"]
COUNTIES += ["50", "55", "56"]


def approved_on(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def regional_indicator(code: str, regions: list[str], *, years=range(2019, 2025)):
    indicator = IndicatorFactory(
        code=code,
        unit="percent",
        unit_label="%",
        direction="increase",
        target_value=Decimal(90),
    )
    indicator.breakdowns.add(BreakdownDimension.objects.get(code="region"))
    for year in years:
        published = approved_on(dt.date(year + 1, 3, 1))
        for i, region in enumerate(["", *regions]):
            IndicatorValueFactory(
                indicator=indicator,
                period_start=dt.date(year, 1, 1),
                breakdown=f"region:{region}" if region else "",
                # County 03 grows fast; the others barely.
                value=Decimal(40 + (year - 2019) * (8 if region == "03" else 1) + i),
                status="approved",
                entered_at=published,
                approved_at=published,
            )
    progress_recompute(indicator_ids=[indicator.pk], full=True)
    return indicator


def page(client, indicator, query=""):
    response = client.get(f"/indicators/{indicator.code}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def map_rows(html: str) -> dict[str, str]:
    """County name → the latest value shown in the map's table."""
    table = html.split('class="chart-table region-map-table"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td>', table)
    return dict(rows)


def test_the_page_shows_each_county_with_its_status_and_the_count_on_track(
    client, council_member
):
    indicator = regional_indicator("REG-1", COUNTIES)
    client.force_login(council_member)
    html = page(client, indicator)
    rows = map_rows(html)
    assert len(rows) == 15
    assert rows["Oslo"] == "81 %"  # 40 + 5 × 8 + 1 in 2024
    # Oslo is on track, the other 14 are not.
    assert "1 av 15 fylker i rute" in html
    assert "geo/fylker-2024.json" in html  # the geometry is a static file
    assert "© Kartverket" in html
    # The explainer says which series it explains.
    assert "det nasjonale tallet" in html
    statuses = dict(
        SeriesSnapshot.objects.filter(indicator=indicator)
        .order_by("as_of")
        .values_list("breakdown", "status")
    )
    assert statuses["region:03"] in ("substantial_progress", "target_achieved")


def test_as_of_a_past_day_each_series_shows_what_was_official_then(
    client, council_member
):
    indicator = regional_indicator("REG-2", COUNTIES[:3])
    client.force_login(council_member)
    # 2022's values were approved on 1 March 2023.
    html = page(client, indicator, "?as_of=2023-02-28")
    assert map_rows(html)["Oslo"] == "57 %"  # 2021: 40 + 2 × 8 + 1
    html = page(client, indicator, "?as_of=2023-03-01")
    assert map_rows(html)["Oslo"] == "65 %"  # 2022


def test_a_correction_in_one_county_leaves_the_other_series_untouched(
    client, council_member, secretariat, approver
):
    from indicators.models import ValueInput
    from indicators.services import values_approve, values_record

    indicator = regional_indicator("REG-3", COUNTIES[:3])
    before = set(
        SeriesSnapshot.objects.filter(indicator=indicator).values_list("pk", flat=True)
    )
    planned = values_record(
        items=[
            ValueInput(indicator, dt.date(2024, 1, 1), Decimal(20), "fix", "region:11")
        ],
        user=secretariat,
        source="form",
    )
    assert [p.outcome for p in planned] == ["revised"]
    waiting = indicator.values.get(status="submitted")
    values_approve(value_ids=[waiting.pk], user=approver)
    progress_recompute(indicator_ids=[indicator.pk])
    after = SeriesSnapshot.objects.filter(indicator=indicator)
    new = after.exclude(pk__in=before)
    assert set(new.values_list("breakdown", flat=True)) == {"region:11"}
    client.force_login(council_member)
    rows = map_rows(page(client, indicator))
    assert rows["Rogaland"] == "20 %"
    assert rows["Oslo"] == "81 %"


def test_the_number_of_queries_does_not_grow_with_the_number_of_series(
    client, council_member, django_assert_num_queries
):
    few = regional_indicator("REG-FEW", COUNTIES[:2], years=range(2022, 2025))
    many = regional_indicator(
        "REG-MANY", [*COUNTIES, "HSØ", "HV", "HMN", "HN"], years=range(2022, 2025)
    )
    client.force_login(council_member)
    page(client, few)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as counted:
        page(client, few)
    with django_assert_num_queries(len(counted.captured_queries)):
        html = page(client, many, "?level=health_region")
    assert len(map_rows(html)) == 4


def test_the_secretariat_enters_a_county_value_and_sees_that_series_table(
    client, secretariat
):
    indicator = regional_indicator("REG-5", COUNTIES[:2])
    client.force_login(secretariat)
    html = page(client, indicator)
    # The entry form offers the series, the national figure first.
    assert 'name="series"' in html and "Nasjonalt (hele landet)" in html
    response = client.post(
        f"/indicators/{indicator.code}/values/",
        {"series": "region:11", "period": "2024", "value": "55", "comment": "SSB"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?series=region%3A11#values-title")
    value = indicator.values.get(status="submitted")
    assert (value.breakdown, value.value) == ("region:11", Decimal(55))
    # Oslo's and the national 2024 values stay as they were.
    assert (
        indicator.values.filter(
            period_start=dt.date(2024, 1, 1), status="approved", superseded_at=None
        ).count()
        == 3
    )
    html = page(client, indicator, "?series=region:11")
    assert "Verdier per periode: <span>Rogaland</span>" in html
    assert "Foreløpig" in html
    # A series the indicator does not have is refused with a field error.
    response = client.post(
        f"/indicators/{indicator.code}/values/",
        {"series": "region:99", "period": "2024", "value": "1"},
    )
    assert response.status_code == 400
    assert indicator.values.count() == 3 * 6 + 1


def test_the_indicator_form_declares_the_breakdowns(client, secretariat):
    indicator = IndicatorFactory(code="REG-6")
    client.force_login(secretariat)
    html = client.get(f"/indicators/{indicator.code}/edit/").content.decode()
    assert 'name="breakdowns"' in html


def test_the_api_answers_the_progress_of_a_series_as_of_a_date(council_member):
    from rest_framework.test import APIClient

    indicator = regional_indicator("REG-7", COUNTIES[:2])
    client = APIClient()
    client.force_authenticate(council_member)
    url = f"/api/v1/indicators/{indicator.code}/progress/"
    national = client.get(url).json()
    oslo = client.get(url, {"breakdown": "region:03"}).json()
    assert national["breakdown"] == {} and oslo["breakdown"] == {"region": "03"}
    assert oslo["components"]["current_value"] == 81.0
    assert national["components"]["current_value"] != 81.0
    past = client.get(url, {"breakdown": "region:03", "as_of": "2023-03-01"}).json()
    assert past["components"]["current_value"] == 65.0
    assert client.get(url, {"breakdown": "region:99"}).status_code == 404
    refused = client.get(url, {"breakdown": "region"})
    assert refused.status_code == 400
    assert "breakdown" in refused.json()["error"]["details"]
