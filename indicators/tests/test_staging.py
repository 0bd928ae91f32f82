"""The set-based write on PostgreSQL leaves what the ORM path leaves, audit included."""

import datetime as dt
import gc
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from indicators import services, staging
from indicators.models import IndicatorValue
from indicators.services import ValueInput, values_record
from indicators.staging import gc_paused
from indicators.tests.helpers import snapshot
from tests.factories import IndicatorFactory, IndicatorValueFactory, UserFactory

pytestmark = pytest.mark.django_db
Y2022, Y2023 = dt.date(2022, 1, 1), dt.date(2023, 1, 1)


@pytest.fixture
def world():
    """Indicators with an official value and a pending one, and two users."""
    clerk, other = UserFactory(username="clerk"), UserFactory(username="other")
    a, b, c = (IndicatorFactory(code=code, unit="count") for code in "ABC")
    q = IndicatorFactory(code="Q", unit="count", frequency="quarterly")
    for indicator in (a, c):
        IndicatorValueFactory(
            indicator=indicator,
            period_start=Y2023,
            value=Decimal(5),
            status="approved",
            approved_at=timezone.now(),
        )
    IndicatorValueFactory(indicator=b, period_start=Y2023, value=7, entered_by=other)
    return {"clerk": clerk, **{i.code: i for i in (a, b, c, q)}}


def batch(world) -> list[ValueInput]:
    return [
        ValueInput(world["A"], Y2023, Decimal("6.5"), "  SSB revised  "),
        ValueInput(world["B"], Y2023, Decimal(8), "fix"),
        ValueInput(world["C"], Y2023, Decimal("5.000"), ""),
        ValueInput(world["A"], Y2022, Decimal(4), ""),
        ValueInput(world["B"], Y2022, Decimal("-1.25"), ""),
        ValueInput(world["Q"], dt.date(2023, 7, 1), Decimal(3), ""),
    ]


def recorded(world, monkeypatch, threshold: int) -> tuple:
    """Record the batch twice (then as a draft) on one path; what it left."""
    monkeypatch.setattr(services, "STAGING_THRESHOLD", threshold)
    clerk = world["clerk"]
    with transaction.atomic():
        first = values_record(items=batch(world), user=clerk, source="api")
        again = values_record(items=batch(world), user=clerk, source="api")
        draft = values_record(
            items=[ValueInput(world["A"], Y2022, Decimal(9), "draft fix")],
            user=clerk,
            source="form",
            status="draft",
        )
        result = [p.outcome for p in first + again + draft], snapshot()
        transaction.set_rollback(True)
    return result


@pytest.mark.real_services
def test_both_write_paths_leave_the_same_rows_and_history(world, monkeypatch):
    assert connection.vendor == "postgresql"
    calls = []
    original = staging.revisions_insert
    monkeypatch.setattr(
        staging,
        "revisions_insert",
        lambda rows, **kw: calls.append(1) or original(rows, **kw),
    )
    through_orm = recorded(world, monkeypatch, threshold=10**9)
    assert calls == []
    set_based = recorded(world, monkeypatch, threshold=1)
    assert len(calls) == 2  # the batch and the draft; the repeat wrote nothing
    assert set_based == through_orm
    outcomes, (values, history) = set_based
    assert outcomes == [
        *["revised", "revised", "unchanged", "created", "created", "created"],
        *["unchanged"] * 6,
        "revised",
    ]
    assert len(values) == 3 + 5 + 1
    kinds = sorted(
        (
            (row["history_type"], row["history_change_reason"], row["history_user_id"])
            for row in map(dict, history)
        ),
        key=repr,
    )
    clerk = world["clerk"].pk
    # Setup rows (3, by the factory), 5 + 1 new revisions, and the two pending
    # heads that newer revisions replaced (B 2023, then the draft's A 2022).
    assert kinds == sorted(
        [("+", None, None)] * 3
        + [("+", "api", clerk)] * 5
        + [("+", "form", clerk)]
        + [("~", "superseded by a newer revision", clerk)] * 2,
        key=repr,
    )


def test_a_superseded_pending_value_gets_its_audit_row(world):
    values_record(
        items=[ValueInput(world["B"], Y2023, Decimal(8), "fix")],
        user=world["clerk"],
        source="api",
    )
    old = IndicatorValue.objects.get(indicator=world["B"], value=7)
    assert old.superseded_at is not None
    latest = old.history.first()
    assert (latest.history_type, latest.history_user, latest.superseded_at) == (
        "~",
        world["clerk"],
        old.superseded_at,
    )
    assert latest.history_change_reason == "superseded by a newer revision"


def test_the_gc_pause_restores_the_collector_even_on_errors():
    assert gc.isenabled()
    with pytest.raises(ValueError), gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
        raise ValueError
    assert gc.isenabled()
