"""Two writers at once, against PostgreSQL: the one-official-value rule holds."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from indicators.models import IndicatorValue
from indicators.services import ValueInput, values_approve, values_record
from tests.factories import IndicatorFactory, IndicatorValueFactory, UserFactory
from tests.helpers import run_together

pytestmark = pytest.mark.real_services
Y2024 = dt.date(2024, 1, 1)


def test_unique_constraint_holds_under_two_concurrent_writers(transactional_db):
    assert connection.vendor == "postgresql"
    indicator = IndicatorFactory()

    def insert_approved(value):
        def job():
            with transaction.atomic():
                IndicatorValueFactory(
                    indicator=indicator,
                    value=Decimal(value),
                    status="approved",
                    approved_at=timezone.now(),
                )
                # Hold the transaction open so both inserts overlap.
                connection.cursor().execute("SELECT pg_sleep(0.3)")
            return "ok"

        return job

    results = run_together(insert_approved("1"), insert_approved("2"))
    assert sorted(map(type, results), key=str) == sorted([str, IntegrityError], key=str)
    assert "value_one_current_approved_per_period" in str(
        next(r for r in results if isinstance(r, IntegrityError))
    )
    assert IndicatorValue.objects.filter(status="approved").count() == 1


def test_concurrent_entry_and_approval_leave_one_official_value(transactional_db):
    indicator = IndicatorFactory()
    clerk = UserFactory(roles=["Sekretariat"])
    approvers = [UserFactory(roles=["Godkjenner"]) for _ in range(2)]
    first = IndicatorValueFactory(indicator=indicator, entered_by=clerk)
    second = IndicatorValueFactory(indicator=indicator, entered_by=clerk, value=2)
    results = run_together(
        lambda: values_approve(value_ids=[first.pk], user=approvers[0]),
        lambda: values_approve(value_ids=[second.pk], user=approvers[1]),
    )
    assert not any(isinstance(r, IntegrityError) for r in results), results
    current = IndicatorValue.objects.filter(
        status="approved", superseded_at__isnull=True
    )
    assert current.count() == 1


def test_concurrent_entries_make_one_chain(transactional_db):
    indicator = IndicatorFactory()
    clerks = [UserFactory(roles=["Sekretariat"]) for _ in range(2)]

    def enter(clerk, value):
        return lambda: values_record(
            items=[ValueInput(indicator, Y2024, Decimal(value), "fix")],
            user=clerk,
            source="form",
        )

    results = run_together(enter(clerks[0], "1"), enter(clerks[1], "2"))
    assert not any(isinstance(r, Exception) for r in results), results
    pending = IndicatorValue.objects.filter(superseded_at__isnull=True)
    assert pending.count() == 1
    assert pending.get().supersedes is not None
