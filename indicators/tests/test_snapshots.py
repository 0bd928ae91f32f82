"""Snapshots: written only on changed inputs, read as of a date, never lost."""

import datetime as dt
import json
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from indicators import services, tasks
from indicators.explain import snapshot_explain
from indicators.models import IndicatorTargetChange, ProgressSnapshot
from indicators.services import indicator_update
from indicators.snapshots import (
    indicator_series,
    indicators_needing_recompute,
    snapshot_as_of,
    snapshots_as_of,
    target_fields_as_of,
)
from strategy.services import progress_recompute
from tests.factories import GoalFactory, IndicatorFactory, IndicatorValueFactory
from tests.helpers import clock_at

pytestmark = pytest.mark.django_db

JAN_2025 = timezone.make_aware(dt.datetime(2025, 1, 15, 12))
JUN_2025 = timezone.make_aware(dt.datetime(2025, 6, 15, 12))


def approved(indicator, year, value, at=JAN_2025, **kwargs):
    return IndicatorValueFactory(
        indicator=indicator,
        period_start=dt.date(year, 1, 1),
        value=Decimal(str(value)),
        status="approved",
        approved_at=at,
        **kwargs,
    )


def indicator_with_series(**kwargs):
    """Baseline 100 in 2020, 121 approved for 2022: 10 % a year, no target."""
    indicator = IndicatorFactory(
        baseline_value=Decimal(100), baseline_year=2020, **kwargs
    )
    approved(indicator, 2022, 121)
    return indicator


# -- series as of a date ------------------------------------------------------


def test_series_uses_only_values_official_at_the_end_of_the_day():
    indicator = IndicatorFactory()
    first = approved(indicator, 2022, 50, at=JAN_2025)
    approved(indicator, 2023, 60, at=JUN_2025)
    IndicatorValueFactory(indicator=indicator, period_start=dt.date(2024, 1, 1))
    # A correction of 2022 approved in June supersedes the January value.
    first.superseded_at = JUN_2025
    first.save()
    approved(indicator, 2022, 55, at=JUN_2025, supersedes=first)

    def series(day):
        return indicator_series(indicator_ids=[indicator.pk], as_of=day).get(
            indicator.pk
        )

    assert series(dt.date(2025, 1, 14)) is None
    assert series(dt.date(2025, 1, 15)) == [(2022.0, 50.0)]
    assert series(dt.date(2025, 6, 15)) == [(2022.0, 55.0), (2023.0, 60.0)]


# -- writes -------------------------------------------------------------------


def test_recompute_stores_status_and_every_component():
    indicator = indicator_with_series()
    counts = progress_recompute(indicator_ids=[indicator.pk])
    snapshot = ProgressSnapshot.objects.get(indicator=indicator)
    assert counts.snapshots_created == 1
    assert snapshot.status == "substantial_progress"
    assert snapshot.score == 5.0
    assert snapshot.progress_value == pytest.approx(0.1)
    # The day its inputs changed: 121 was approved on 15 January 2025.
    assert snapshot.as_of == dt.date(2025, 1, 15)
    assert snapshot.components["cagr_observed"] == pytest.approx(0.1)
    assert snapshot.components["base_source"] == "baseline"
    assert len(snapshot.inputs_fingerprint) == 64


def test_running_the_task_twice_writes_one_snapshot():
    indicator = indicator_with_series()
    tasks.progress_recompute_task.delay([indicator.pk])
    tasks.progress_recompute_task.delay([indicator.pk])
    assert ProgressSnapshot.objects.filter(indicator=indicator).count() == 1


def test_changed_definition_writes_a_new_snapshot_unrelated_edit_does_not():
    indicator = indicator_with_series()
    progress_recompute(indicator_ids=[indicator.pk])
    indicator.name_nb = "Nytt navn"
    indicator.save()
    progress_recompute(indicator_ids=[indicator.pk])
    assert indicator.snapshots.count() == 1
    indicator.target_value = Decimal(500)
    indicator.save()
    progress_recompute(indicator_ids=[indicator.pk])
    assert indicator.snapshots.count() == 2
    assert snapshot_as_of(indicator_id=indicator.pk).method == "open_sdg_2"


def test_indicator_without_values_gets_a_not_available_snapshot():
    indicator = IndicatorFactory()
    progress_recompute(indicator_ids=[indicator.pk])
    snapshot = snapshot_as_of(indicator_id=indicator.pk)
    assert snapshot.status == "not_available"
    assert snapshot.components["reason"] == "no_current_value"


def test_as_of_reads_are_exact_for_every_day_between_changes():
    """A snapshot for each day the inputs changed: reading "the newest at or
    before D" gives the status of D's inputs whatever day D is, and however
    the recomputes happened to run (here: once, long after both changes)."""
    indicator = IndicatorFactory(baseline_value=Decimal(100), baseline_year=2020)
    approved(indicator, 2022, 121, at=JAN_2025)
    approved(indicator, 2023, 90, at=JUN_2025)
    progress_recompute(indicator_ids=[indicator.pk])

    def status(day):
        snapshot = snapshot_as_of(indicator_id=indicator.pk, as_of=day)
        return snapshot and snapshot.status

    assert status(dt.date(2025, 1, 14)) is None
    assert status(dt.date(2025, 1, 15)) == "substantial_progress"
    assert status(dt.date(2025, 6, 14)) == "substantial_progress"
    assert status(dt.date(2025, 6, 15)) == "deterioration"
    assert status(dt.date(2030, 1, 1)) == "deterioration"
    assert sorted(indicator.snapshots.values_list("as_of", flat=True)) == [
        dt.date(2025, 1, 15),
        dt.date(2025, 6, 15),
    ]


def test_a_recompute_as_of_a_past_day_writes_that_day_and_the_changes_before():
    indicator = IndicatorFactory(baseline_value=Decimal(100), baseline_year=2020)
    approved(indicator, 2022, 121, at=JAN_2025)
    approved(indicator, 2023, 90, at=JUN_2025)
    progress_recompute(indicator_ids=[indicator.pk], as_of=dt.date(2025, 3, 1))
    assert list(indicator.snapshots.values_list("as_of", flat=True)) == [
        dt.date(2025, 1, 15)
    ]
    progress_recompute(indicator_ids=[indicator.pk])
    assert indicator.snapshots.count() == 2


def test_the_next_days_run_writes_nothing_when_nothing_changed():
    indicator = indicator_with_series()
    progress_recompute(indicator_ids=[indicator.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    counts = progress_recompute(indicator_ids=[indicator.pk], as_of=tomorrow)
    assert counts.snapshots_created == counts.goals_created == 0


def _queries_for(n: int) -> int:
    goal = GoalFactory()
    ids = [indicator_with_series(goal=goal).pk for _ in range(n)]
    with CaptureQueriesContext(connection) as ctx:
        progress_recompute(indicator_ids=ids)
    with CaptureQueriesContext(connection) as read:
        assert len(snapshots_as_of(indicator_ids=ids)) == n
    assert len(read) == 1
    return len(ctx)


def test_query_count_does_not_grow_with_the_number_of_indicators():
    assert _queries_for(2) == _queries_for(12)


# -- goals ----------------------------------------------------------------------


def test_recompute_rolls_up_the_goal():
    goal = GoalFactory()
    indicator_with_series(goal=goal)
    other = IndicatorFactory(goal=goal)  # no values: not available
    counts = progress_recompute(indicator_ids=[other.pk])
    progress = goal.progress.get()
    assert counts.goals_created == 1
    assert progress.status == "not_available"  # the other one has no snapshot
    progress_recompute(indicator_ids=goal.indicators.values_list("pk", flat=True))
    newest = goal.progress.order_by("-computed_at", "-pk").first()
    assert newest.score == 5.0
    assert newest.status == "substantial_progress"
    assert newest.counts["substantial_progress"] == 1
    assert newest.counts["not_available"] == 1


# -- tasks, sweep and the broker ------------------------------------------------


def test_sweep_catches_up_after_a_broker_outage(django_capture_on_commit_callbacks):
    indicator = indicator_with_series()
    progress_recompute(indicator_ids=[indicator.pk])
    assert indicators_needing_recompute() == []

    down = mock.patch.object(
        tasks.progress_recompute_task, "delay", side_effect=BrokerDown("down")
    )
    with down, django_capture_on_commit_callbacks(execute=True):
        approved(indicator, 2023, 50, at=timezone.now())
        services.progress_recompute_enqueue([indicator.pk])  # logs, does not raise
    assert indicator.snapshots.count() == 1
    assert indicators_needing_recompute() == [indicator.pk]

    assert tasks.progress_sweep_task.delay().get() == 1
    assert snapshot_as_of(indicator_id=indicator.pk).status == "deterioration"
    assert indicators_needing_recompute() == []
    assert tasks.progress_sweep_task.delay().get() == 0


def test_enqueue_runs_after_commit(django_capture_on_commit_callbacks):
    indicator = indicator_with_series()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.progress_recompute_enqueue([indicator.pk, str(indicator.pk)])
    assert not indicator.snapshots.exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert indicator.snapshots.count() == 1


def test_nightly_recompute_covers_every_indicator(monkeypatch):
    monkeypatch.setattr(tasks, "CHUNK_SIZE", 2)
    ids = [indicator_with_series().pk for _ in range(3)]
    assert tasks.progress_recompute_all_task.delay().get() == 3
    assert set(snapshots_as_of(indicator_ids=ids)) == set(ids)


def test_task_accepts_an_as_of_date():
    indicator = indicator_with_series()
    tasks.progress_recompute_task.delay([indicator.pk], "2024-12-31")
    assert not indicator.snapshots.exclude(as_of=dt.date(2024, 12, 31)).exists()
    assert indicator.snapshots.get().status == "not_available"  # approved 2025


def test_tasks_retry_transient_errors_only_and_ack_late():
    for task in (
        tasks.progress_recompute_task,
        tasks.progress_sweep_task,
        tasks.progress_recompute_all_task,
    ):
        assert task.acks_late and task.reject_on_worker_lost
        assert OperationalError in task.autoretry_for
        assert ValueError not in task.autoretry_for
        assert 0 < task.max_retries <= 10
        assert task.soft_time_limit < task.time_limit


def test_beat_schedule_has_the_sweep_and_the_nightly_recompute(settings):
    tasks_scheduled = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"indicators.progress_sweep", "indicators.progress_recompute_all"} <= (
        tasks_scheduled
    )


# -- the operator's command -----------------------------------------------------


def test_command_recomputes_one_indicator_as_of_a_date(capsys):
    indicator = indicator_with_series(code="IND-X")
    other = indicator_with_series()
    call_command("recompute_progress", "--indicator", "IND-X", "--as-of", "2025-02-01")
    # Its inputs last changed on 15 January, when 121 was approved.
    assert indicator.snapshots.get().as_of == dt.date(2025, 1, 15)
    assert not other.snapshots.exists()
    assert "1 new snapshots" in capsys.readouterr().out


def test_command_recomputes_all_by_default():
    ids = [indicator_with_series().pk for _ in range(2)]
    call_command("recompute_progress")
    assert len(snapshots_as_of(indicator_ids=ids)) == 2


def test_command_rejects_an_unknown_code():
    with pytest.raises(CommandError, match="Unknown indicator: NOPE"):
        call_command("recompute_progress", "--indicator", "NOPE")


def test_command_rejects_a_bad_date():
    with pytest.raises(CommandError, match="--as-of must be a date"):
        call_command("recompute_progress", "--as-of", "31.12.2025")


# -- the explainer ----------------------------------------------------------------


def test_explainer_shows_inputs_thresholds_and_council_figures():
    indicator = indicator_with_series(target_value=Decimal(300))
    progress_recompute(indicator_ids=[indicator.pk])
    explanation = snapshot_explain(snapshot_as_of(indicator_id=indicator.pk))
    json.dumps(explanation.as_dict(), allow_nan=False)
    keys = {row.key for row in explanation.inputs}
    assert {"base_value", "current_value", "cagr_observed", "cagr_target"} <= keys
    assert [t.name for t in explanation.thresholds] == ["high", "med", "low"]
    html = render_to_string(
        "indicators/_status_explainer.html", {"explanation": explanation}
    )
    assert "0.95" in html or "0,95" in html
    assert "2020" in html and "2022" in html


def test_explainer_says_why_a_status_cannot_be_assessed():
    indicator = IndicatorFactory()
    progress_recompute(indicator_ids=[indicator.pk])
    explanation = snapshot_explain(snapshot_as_of(indicator_id=indicator.pk))
    assert explanation.thresholds == []
    html = render_to_string(
        "indicators/_status_explainer.html", {"explanation": explanation}
    )
    assert str(explanation.summary) in html


def test_a_target_change_applies_from_its_effective_date():
    indicator = indicator_with_series(target_value=Decimal(500))
    IndicatorTargetChange.objects.create(
        indicator=indicator,
        effective_from=dt.date(2025, 6, 1),
        baseline_value=Decimal(100),
        baseline_year=2020,
        target_value=Decimal(500),
        target_year=2030,
        previous={
            "baseline_value": "100.000000",
            "baseline_year": "2020",
            "target_value": "130.000000",
            "target_year": "2030",
        },
        reason="Ny ambisjon",
        changed_at=JAN_2025,
    )

    def recompute(day):
        progress_recompute(indicator_ids=[indicator.pk], as_of=day)
        return snapshot_as_of(indicator_id=indicator.pk, as_of=day)

    # 100 → 121 is 10 % a year; 130 needs 2.7 % a year, 500 needs 17.5 %.
    before = recompute(dt.date(2025, 5, 31))
    assert before.components["target_value"] == 130.0
    assert before.status == "substantial_progress"
    after = recompute(dt.date(2025, 6, 1))
    assert after.components["target_value"] == 500.0
    assert after.status == "limited_progress"


@pytest.mark.django_db
def test_series_of_no_indicators_is_empty():
    """A meeting pack without indicators asked for this; on PostgreSQL the raw
    query path failed on the empty list (found by the role-matrix test)."""
    from indicators.snapshots import indicator_series

    assert indicator_series(indicator_ids=[], as_of=dt.date(2026, 1, 1)) == {}


def _target_change(indicator, user, value: int, effective_from: dt.date) -> None:
    indicator_update(
        indicator=indicator,
        user=user,
        fields={"target_value": Decimal(value)},
        change_reason="New national target",
        effective_from=effective_from,
    )


def _target_as_of(indicator, day: dt.date) -> dict:
    in_effect = target_fields_as_of(indicator_ids=[indicator.pk], as_of=day)
    return in_effect[indicator.pk]


def test_targets_in_force_follow_the_effective_date(secretariat):
    indicator = IndicatorFactory(target_value=Decimal(80))
    with clock_at(JAN_2025):
        _target_change(indicator, secretariat, 90, dt.date(2025, 6, 1))
    before = _target_as_of(indicator, dt.date(2025, 5, 31))
    after = _target_as_of(indicator, dt.date(2025, 6, 1))
    assert (before["target_value"], after["target_value"]) == (80, 90)
    assert before["target_year"] == after["target_year"] == 2030


def test_a_backdated_change_counts_from_the_day_it_was_recorded(secretariat):
    """What the system held that day: a page as of a meeting date shows what
    the meeting saw, even if a change recorded later says it applied then."""
    with clock_at(JAN_2025):
        indicator = IndicatorFactory(target_value=Decimal(80))
    with clock_at(JUN_2025):
        _target_change(indicator, secretariat, 90, dt.date(2025, 1, 1))
    assert _target_as_of(indicator, dt.date(2025, 3, 1))["target_value"] == 80
    assert _target_as_of(indicator, dt.date(2025, 6, 15))["target_value"] == 90


def test_targets_before_every_change_are_the_first_recorded_changes_previous(
    secretariat,
):
    """Two changes recorded out of order of their effective dates: before both
    applies what the first recorded change replaced (80), not what the change
    that takes effect first replaced (90)."""
    indicator = IndicatorFactory(target_value=Decimal(80))
    with clock_at(JAN_2025):
        _target_change(indicator, secretariat, 90, dt.date(2025, 9, 1))
        _target_change(indicator, secretariat, 95, dt.date(2025, 3, 1))
    assert _target_as_of(indicator, dt.date(2025, 2, 1))["target_value"] == 80
    assert _target_as_of(indicator, dt.date(2025, 4, 1))["target_value"] == 95
    assert _target_as_of(indicator, dt.date(2025, 10, 1))["target_value"] == 90
