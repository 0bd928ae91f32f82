"""The indicator page as a dashboard: status, explainer, charts, as of a date."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from strategy.services import progress_recompute
from tests.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator():
    indicator = IndicatorFactory(
        code="DASH-1",
        baseline_value=Decimal("40"),
        baseline_year=2020,
        target_value=Decimal("80"),
        target_year=2030,
        unit_label="%",
    )
    approved_at = timezone.make_aware(dt.datetime(2025, 2, 1))
    for year, value in ((2020, "40"), (2022, "46"), (2024, "52")):
        IndicatorValueFactory(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            value=Decimal(value),
            status="approved",
            approved_at=approved_at,
        )
    IndicatorValueFactory(
        indicator=indicator, period_start=dt.date(2025, 1, 1), value=Decimal("55")
    )
    progress_recompute(indicator_ids=[indicator.pk], as_of=dt.date(2025, 6, 1))
    return indicator


def test_indicator_page_shows_status_charts_and_explainer(
    client, council_member, indicator
):
    client.force_login(council_member)
    response = client.get(reverse("indicators:detail", args=["DASH-1"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="chart-values-DASH-1"' in html
    assert 'id="chart-pace-DASH-1"' in html
    assert 'id="status-explainer-title"' in html
    data = html.split('id="chart-values-DASH-1-data">')[1].split("</script>")[0]
    traces = {trace["name"]: trace for trace in json.loads(data)["data"]}
    approved = next(
        t for name, t in traces.items() if "pprov" in name or "odkj" in name
    )
    assert approved["y"] == [40.0, 46.0, 52.0]
    # The submitted 2025 value is drawn, but as provisional.
    assert any(t["y"] == [55.0] for t in traces.values())


def test_indicator_page_as_of_before_any_snapshot(client, council_member, indicator):
    client.force_login(council_member)
    response = client.get(
        reverse("indicators:detail", args=["DASH-1"]), {"as_of": "2024-01-01"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "as-of-banner" in html
    assert 'id="status-explainer-title"' not in html


def test_indicator_page_bad_as_of_is_400(client, council_member, indicator):
    client.force_login(council_member)
    response = client.get(
        reverse("indicators:detail", args=["DASH-1"]), {"as_of": "2024-02-30"}
    )
    assert response.status_code == 400


def test_every_value_waiting_is_counted_a_correction_too(indicator):
    """Two wait: 2025 (drawn as provisional) and a correction of 2024, which
    has an official value (counted, not drawn over it)."""
    from django.utils import translation

    from indicators.dashboard import indicator_dashboard

    IndicatorValueFactory(
        indicator=indicator, period_start=dt.date(2024, 1, 1), value=Decimal("53")
    )
    with translation.override("nb"):
        summary = indicator_dashboard(indicator=indicator).value_chart.summary
    assert "2 verdier venter på godkjenning." in summary
