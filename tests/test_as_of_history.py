"""A snapshot at every change of the inputs (issue 15): as of any date, the
stored status is the status of that date's inputs, however the recomputes
happened to run; goal roll-ups likewise."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from indicators import progress
from indicators.models import Indicator, ProgressSnapshot
from indicators.services import indicator_update
from indicators.snapshots import (
    DEFINITION_FIELDS,
    definition_from_row,
    indicator_series,
    indicators_needing_recompute,
    snapshot_as_of,
    snapshots_as_of,
)
from indicators.tasks import progress_recompute_all_task, progress_sweep_task
from strategy.models import GoalProgress
from strategy.selectors import goal_progress_as_of
from strategy.services import progress_recompute
from tests.factories import IndicatorFactory, IndicatorValueFactory
from tests.helpers import clock_at

pytestmark = pytest.mark.django_db
MID_2024 = dt.date(2024, 6, 30)


def at(day: dt.date, hour: int = 12, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def demo(db):
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)


def fresh_status(indicator: Indicator, day: dt.date) -> str:
    """The method run now on the inputs official at the end of the day (the
    definition unchanged)."""
    points = indicator_series(indicator_ids=[indicator.pk], as_of=day)
    row = {name: getattr(indicator, name) for name in DEFINITION_FIELDS}
    return progress.compute(
        points.get(indicator.pk, []), definition_from_row(row)
    ).status


# --- The demo, as the issue found it ---------------------------------------------


def test_demo_m2_2_as_of_mid_2024_is_judged_on_the_2023_value(demo):
    """The 2023 value was approved on 1 March 2024; the status said "less than a
    year after the base point", from the 2023-12-31 snapshot with 2022 only."""
    indicator = Indicator.objects.get(code="DEMO-M2-2")
    snapshot = snapshot_as_of(indicator_id=indicator.pk, as_of=MID_2024)
    assert snapshot.as_of == dt.date(2024, 3, 1)
    assert snapshot.components["current_time"] == 2023.0
    assert snapshot.status != "not_available"
    assert snapshot.status == fresh_status(indicator, MID_2024)


def test_no_goal_is_unassessable_as_of_mid_2024(demo):
    """The overview as of 30.06.2024 had all 15 indicators "Kan ikke vurderes"."""
    goals = goal_progress_as_of(as_of=MID_2024)
    assert len(goals) == 5
    assert sum(g.counts["not_available"] for g in goals.values()) == 0
    assert all(g.status != "not_available" for g in goals.values())


def test_every_demo_day_stores_the_status_of_its_inputs(demo):
    for day in (
        dt.date(2019, 3, 1),
        dt.date(2022, 2, 28),
        MID_2024,
        dt.date(2026, 1, 1),
    ):
        stored = snapshots_as_of(as_of=day)
        for indicator in Indicator.objects.filter(is_demo=True):
            assert stored[indicator.pk].status == fresh_status(indicator, day), (
                indicator.code,
                day,
            )


# --- Changes on their own day ------------------------------------------------------


def indicator_with_baseline():
    return IndicatorFactory(
        baseline_value=Decimal(100),
        baseline_year=2020,
        target_value=Decimal(200),
        target_year=2030,
    )


def test_a_late_evening_approval_recomputed_after_midnight_keeps_its_day():
    """The worker was down; the nightly run after midnight picks the value up.
    Its day still gets a snapshot, so the evening's status is exact."""
    indicator = indicator_with_baseline()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    IndicatorValueFactory(
        indicator=indicator,
        period_start=dt.date(2022, 1, 1),
        value=Decimal(121),
        status="approved",
        approved_at=at(yesterday, 23, 55),
    )
    assert progress_recompute_all_task.delay().get() == 1
    snapshot = snapshot_as_of(indicator_id=indicator.pk, as_of=yesterday)
    assert snapshot is not None and snapshot.as_of == yesterday
    assert snapshot.components["current_value"] == 121.0


def test_a_scheduled_target_change_is_recomputed_on_its_day(secretariat):
    """Decision 2/26: target 90 → 95 from the meeting day. The sweep finds the
    indicator once the day has come, and the status of that day uses 95."""
    jan = dt.date(2025, 1, 10)
    with clock_at(at(jan)):
        indicator = IndicatorFactory(
            baseline_value=Decimal(50),
            baseline_year=2020,
            target_value=Decimal(90),
            target_year=2030,
        )
        IndicatorValueFactory(
            indicator=indicator,
            period_start=dt.date(2023, 1, 1),
            value=Decimal(70),
            status="approved",
            approved_at=at(jan, 9),
        )
        indicator_update(
            indicator=indicator,
            user=secretariat,
            fields={"target_value": Decimal(95)},
            change_reason="Juster planen",
            effective_from=dt.date(2025, 3, 1),
        )
        progress_recompute(indicator_ids=[indicator.pk])
        assert indicators_needing_recompute() == []
    assert snapshot_as_of(indicator_id=indicator.pk).components["target_value"] == 90
    with clock_at(at(dt.date(2025, 3, 1), 0, 5)):
        assert indicators_needing_recompute() == [indicator.pk]
        assert progress_sweep_task.delay().get() == 1
        assert indicators_needing_recompute() == []
    day = snapshot_as_of(indicator_id=indicator.pk, as_of=dt.date(2025, 3, 1))
    assert (day.as_of, day.components["target_value"]) == (dt.date(2025, 3, 1), 95)


# --- The backfill -------------------------------------------------------------------


def test_backfill_repairs_a_database_without_snapshots_at_its_changes(capsys):
    indicator = indicator_with_baseline()
    for year, value, approved in ((2022, 121, "2025-01-15"), (2023, 90, "2025-06-15")):
        IndicatorValueFactory(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            value=Decimal(value),
            status="approved",
            approved_at=at(dt.date.fromisoformat(approved)),
        )
    # What the earlier code left: one row at a year end, none at the changes.
    ProgressSnapshot.objects.create(
        indicator=indicator,
        as_of=dt.date(2025, 12, 31),
        computed_at=at(dt.date(2025, 12, 31)),
        inputs_fingerprint="written-by-the-earlier-code",
        method="open_sdg_2",
        status="not_available",
    )
    call_command("snapshots_backfill")
    assert "3 snapshots and" in capsys.readouterr().out
    for day in (dt.date(2025, 1, 15), dt.date(2025, 6, 14), dt.date(2025, 12, 31)):
        stored = snapshot_as_of(indicator_id=indicator.pk, as_of=day)
        assert stored.status == fresh_status(indicator, day), day
    assert snapshot_as_of(indicator_id=indicator.pk, as_of=dt.date(2025, 1, 14)) is None
    rollups = GoalProgress.objects.filter(goal=indicator.goal)
    assert sorted(rollups.values_list("as_of", flat=True)) == [
        dt.date(2025, 1, 15),
        dt.date(2025, 6, 15),
    ]
    call_command("snapshots_backfill")
    assert "0 snapshots and 0 goal roll-ups written" in capsys.readouterr().out


def test_backfill_of_an_unknown_indicator_says_so(db):
    with pytest.raises(Exception, match="Unknown indicator: NOPE"):
        call_command("snapshots_backfill", "--indicator", "NOPE")
