"""The progress engine end to end: a real Celery worker, Redis and PostgreSQL."""

import datetime as dt
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone

from indicators import snapshots
from indicators.models import ProgressSnapshot
from indicators.services import progress_recompute_enqueue
from strategy.models import GoalProgress
from strategy.services import progress_recompute
from tests.factories import IndicatorFactory, IndicatorValueFactory
from tests.helpers import run_together


def approve_121_for_2022(indicator):
    """With a baseline of 100 in 2020: 10 % a year."""
    IndicatorValueFactory(
        indicator=indicator,
        period_start=dt.date(2022, 1, 1),
        value=Decimal(121),
        status="approved",
        approved_at=timezone.now(),
    )


def wait_for(query, worker, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if query.exists():
            return
        assert worker.poll() is None, worker.stdout.read().decode()
        time.sleep(0.25)
    pytest.fail(f"nothing written within {seconds} s")


@pytest.mark.real_services
def test_real_worker_computes_a_snapshot_after_commit(real_worker):
    indicator = IndicatorFactory(
        baseline_value=Decimal(100), baseline_year=2020, target_value=Decimal(300)
    )
    with transaction.atomic():
        approve_121_for_2022(indicator)
        progress_recompute_enqueue([indicator.pk])

    wait_for(GoalProgress.objects.filter(goal=indicator.goal), real_worker)
    snapshot = ProgressSnapshot.objects.get(indicator=indicator)
    assert snapshot.method == "open_sdg_2"
    assert snapshot.components["cagr_observed"] == pytest.approx(0.1)
    assert snapshot.status == "moderate_progress"


@pytest.mark.real_services
def test_two_concurrent_recomputes_write_one_snapshot(transactional_db):
    assert connection.vendor == "postgresql"
    indicator = IndicatorFactory(baseline_value=Decimal(100), baseline_year=2020)
    approve_121_for_2022(indicator)
    read_changes = snapshots._value_change_days

    def slow_changes(ids, **kwargs):
        # Both would find "no snapshot yet" here if nothing serialized them.
        connection.cursor().execute("SELECT pg_sleep(0.3)")
        return read_changes(ids, **kwargs)

    def job():
        return progress_recompute(indicator_ids=[indicator.pk])

    with mock.patch.object(snapshots, "_value_change_days", slow_changes):
        results = run_together(job, job)
    assert sorted(r.snapshots_created for r in results) == [0, 1]
    assert ProgressSnapshot.objects.filter(indicator=indicator).count() == 1
    assert GoalProgress.objects.filter(goal=indicator.goal).count() == 1
