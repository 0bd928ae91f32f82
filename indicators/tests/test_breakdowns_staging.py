"""A bulk of broken-down values (50 indicators × 15 counties × 120 months)
through the set-based write on PostgreSQL leaves what the ORM path leaves,
history included, series by series."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from indicators import services, staging
from indicators.breakdowns import breakdown_key
from indicators.models import BreakdownCategory, BreakdownDimension, Indicator
from indicators.services import ValueInput, values_record
from indicators.tests.helpers import snapshot
from tests.factories import IndicatorFactory, IndicatorValueFactory, UserFactory

pytestmark = pytest.mark.django_db
INDICATORS, MONTHS = 50, 120
JAN_2023 = dt.date(2023, 1, 1)
# Series that hold values before the bulk arrives: (indicator, county) → how.
BEFORE = {(0, "03"): "approved", (0, "11"): "submitted", (1, "03"): "approved"}
FIX = "fylkestall rettet"


def months() -> list[dt.date]:
    """2014-01 … 2023-12: 120 monthly periods, none in the future."""
    return [dt.date(2014 + m // 12, m % 12 + 1, 1) for m in range(MONTHS)]


def bulk_value(i: int, k: int, m: int) -> Decimal:
    # Distinct per series, so that no two counties' rows look alike.
    return Decimal(i * 10_000 + k * 200 + m) / 4


@pytest.fixture
def world():
    """50 monthly indicators broken down by region, with a few values before."""
    clerk, other = UserFactory(username="clerk"), UserFactory(username="other")
    first = IndicatorFactory(code="R0", unit="count", frequency="monthly")
    Indicator.objects.bulk_create(
        Indicator(
            code=f"R{i}",
            goal=first.goal,
            name_nb=f"Fylke {i}",
            unit="count",
            direction="increase",
            frequency="monthly",
        )
        for i in range(1, INDICATORS)
    )
    indicators = list(Indicator.objects.filter(code__startswith="R").order_by("pk"))
    region = BreakdownDimension.objects.get(code="region")
    Indicator.breakdowns.through.objects.bulk_create(
        Indicator.breakdowns.through(indicator=i, breakdowndimension=region)
        for i in indicators
    )
    counties = list(
        BreakdownCategory.objects.filter(dimension=region, level="county")
        .order_by("code")
        .values_list("code", flat=True)
    )
    assert len(counties) == 15
    for (i, county), status in BEFORE.items():
        IndicatorValueFactory(
            indicator=indicators[i],
            period_start=JAN_2023,
            granularity="monthly",
            breakdown=breakdown_key({"region": county}),
            value=Decimal(5),
            status=status,
            approved_at=timezone.now() if status == "approved" else None,
            entered_by=other,
        )
    # The national figure of the same period, which the bulk leaves alone.
    IndicatorValueFactory(
        indicator=indicators[0],
        period_start=JAN_2023,
        granularity="monthly",
        value=Decimal(5),
        status="approved",
        approved_at=timezone.now(),
    )
    # A county whose official value the bulk repeats: unchanged.
    k, m = counties.index("15"), months().index(JAN_2023)
    IndicatorValueFactory(
        indicator=indicators[2],
        period_start=JAN_2023,
        granularity="monthly",
        breakdown="region:15",
        value=bulk_value(2, k, m),
        status="approved",
        approved_at=timezone.now(),
    )
    return {"clerk": clerk, "indicators": indicators, "counties": counties}


def bulk(world) -> list[ValueInput]:
    return [
        ValueInput(
            indicator,
            start,
            bulk_value(i, k, m),
            FIX if (i, county) in BEFORE else "",
            breakdown_key({"region": county}),
        )
        for i, indicator in enumerate(world["indicators"])
        for k, county in enumerate(world["counties"])
        for m, start in enumerate(months())
    ]


def recorded(world, monkeypatch, threshold: int) -> tuple:
    """Record the bulk twice, then one county's draft fix, on one path."""
    monkeypatch.setattr(services, "STAGING_THRESHOLD", threshold)
    clerk, items = world["clerk"], bulk(world)
    draft = ValueInput(
        world["indicators"][0], JAN_2023, Decimal(9), "draft fix", "region:11"
    )
    with transaction.atomic():
        first = values_record(items=items, user=clerk, source="api")
        again = values_record(items=items, user=clerk, source="api")
        fix = values_record(items=[draft], user=clerk, source="form", status="draft")
        result = [p.outcome for p in first + again + fix], snapshot()
        transaction.set_rollback(True)
    return result


@pytest.mark.real_services
def test_a_county_bulk_leaves_the_same_rows_and_history_on_both_paths(
    world, monkeypatch
):
    assert connection.vendor == "postgresql"
    calls = []
    original = staging.revisions_insert

    def counted(rows, **kwargs):
        rows = list(rows)
        calls.append({row[2] for row in rows})  # the breakdowns staged
        return original(rows, **kwargs)

    monkeypatch.setattr(staging, "revisions_insert", counted)
    through_orm = recorded(world, monkeypatch, threshold=10**9)
    assert calls == []
    set_based = recorded(world, monkeypatch, threshold=1)
    assert calls == [{f"region:{c}" for c in world["counties"]}, {"region:11"}]
    assert set_based == through_orm

    outcomes, (values, history) = set_based
    n = INDICATORS * len(world["counties"]) * MONTHS
    assert n == 90_000
    revised, unchanged = len(BEFORE), 1
    assert outcomes[:n].count("revised") == revised
    assert outcomes[:n].count("unchanged") == unchanged
    assert outcomes[:n].count("created") == n - revised - unchanged
    assert outcomes[n:] == ["unchanged"] * n + ["revised"]
    before = len(BEFORE) + 2
    assert len(values) == before + n - unchanged + 1

    series = {}
    for row in map(dict, values):
        series.setdefault(row["breakdown"], 0)
        series[row["breakdown"]] += 1
    per_county = INDICATORS * MONTHS
    assert series[""] == 1  # the national figure, untouched
    assert series["region:03"] == per_county + 2  # two corrected officials
    assert series["region:11"] == per_county + 2  # the pending one, the draft
    assert series["region:15"] == per_county  # its official was repeated
    assert all(series[f"region:{c}"] == per_county for c in ("18", "56"))

    kinds: dict[tuple, int] = {}
    for row in map(dict, history):
        kind = (row["history_type"], row["history_change_reason"])
        kinds[kind] = kinds.get(kind, 0) + 1
    # Setup rows by the factory; the bulk's and the draft's new revisions; the
    # pending heads newer revisions replaced (R0 region:11, then the bulk's
    # own R0 region:11 2023-01 by the draft).
    assert kinds == {
        ("+", None): before,
        ("+", "api"): n - revised - unchanged + revised,
        ("+", "form"): 1,
        ("~", "superseded by a newer revision"): 2,
    }
