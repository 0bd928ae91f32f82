import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.upsert import UpsertCounts, upsert
from strategy.models import Goal

from .demo import BASELINE_YEAR, DEMO_INDICATORS, DemoIndicator
from .models import Frequency, Indicator, IndicatorValue, ValueSource, ValueStatus


class DemoConflict(Exception):
    """A demo code is already used by a real indicator; nothing was written."""


@transaction.atomic
def demo_load() -> UpsertCounts:
    """Create or refresh the demo indicators and their 2018–2026 values.

    Touches only rows flagged ``is_demo``; refuses if a demo code is taken by a
    real indicator. Values that already exist are left as they are.
    """
    counts = UpsertCounts()
    codes = [d.code for d in DEMO_INDICATORS]
    taken = list(
        Indicator.objects.filter(code__in=codes, is_demo=False).values_list(
            "code", flat=True
        )
    )
    if taken:
        raise DemoConflict(
            "These codes belong to real indicators, so no demo data was loaded: "
            + ", ".join(sorted(taken))
        )
    goals = Goal.objects.in_bulk(field_name="code")
    missing = sorted({d.goal_code for d in DEMO_INDICATORS} - set(goals))
    if missing:
        raise DemoConflict(
            f"Goals {', '.join(missing)} are missing: run load_strategy first."
        )
    for demo in DEMO_INDICATORS:
        indicator = upsert(
            Indicator,
            lookup={"code": demo.code},
            values=_demo_indicator_fields(demo, goals[demo.goal_code]),
            counts=counts,
        )
        _demo_values_create(indicator, demo, counts)
    return counts


def _demo_indicator_fields(demo: DemoIndicator, goal: Goal) -> dict:
    baseline = dict(demo.series())[BASELINE_YEAR]
    return {
        "goal": goal,
        "name_nb": demo.name_nb,
        "name_en": demo.name_en,
        "description": "Eksempeldata – oppdiktet for å vise hvordan verktøyet virker.",
        "unit": demo.unit,
        "unit_label": demo.unit_label,
        "direction": demo.direction,
        "baseline_value": baseline,
        "baseline_year": BASELINE_YEAR,
        "target_value": Decimal(str(demo.target)),
        "target_year": 2030,
        "limit": None if demo.limit is None else Decimal(str(demo.limit)),
        "frequency": Frequency.ANNUAL,
        "data_source": "Eksempeldata",
        "is_demo": True,
    }


def _demo_values_create(
    indicator: Indicator, demo: DemoIndicator, counts: UpsertCounts
) -> None:
    existing = set(indicator.values.values_list("period_start", flat=True))
    now = timezone.now()
    new_values = [
        IndicatorValue(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            granularity=Frequency.ANNUAL,
            value=value,
            status=ValueStatus.APPROVED,
            source=ValueSource.DEMO,
            comment="Eksempeldata",
            entered_at=now,
            approved_at=now,
        )
        for year, value in demo.series()
        if dt.date(year, 1, 1) not in existing
    ]
    bulk_create_with_history(new_values, IndicatorValue)
    for _ in new_values:
        counts.add("indicatorvalue", "created")
    for _ in existing:
        counts.add("indicatorvalue", "unchanged")
