"""Approvals and rejections of any size: a few statements, the same rows and audit.

A large approval once went to PostgreSQL as one UPDATE with a CASE branch per
value, which its JIT compiled for minutes (9,000 values outlived gunicorn's
timeout) while holding every indicator's lock.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.roles import Role
from indicators import services
from indicators.models import IndicatorValue
from indicators.services import (
    ValueInput,
    ValueRejected,
    values_approve,
    values_record,
    values_reject,
)
from indicators.tests.helpers import snapshot
from tests.factories import GoalFactory, IndicatorFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
MONTHS = 100  # 2010-01 onwards


@pytest.fixture
def people():
    return {
        "clerk": UserFactory(username="clerk", roles=[Role.SECRETARIAT]),
        "approver": UserFactory(username="approver", roles=[Role.APPROVER]),
    }


def month(m: int) -> dt.date:
    return dt.date(2010 + m // 12, m % 12 + 1, 1)


def submitted(indicators, clerk, value="1", comment="") -> list[IndicatorValue]:
    """One submitted value per indicator and month, recorded in one batch."""
    items = [
        ValueInput(indicator, month(m), Decimal(value), comment)
        for indicator in indicators
        for m in range(MONTHS)
    ]
    values_record(items=items, user=clerk, source="api")
    return list(
        IndicatorValue.objects.filter(status="submitted", superseded_at__isnull=True)
    )


def pending_ids() -> list[int]:
    return list(
        IndicatorValue.objects.filter(
            status="submitted", superseded_at__isnull=True
        ).values_list("pk", flat=True)
    )


def most_branches(queries) -> int:
    """The most CASE branches in any one statement."""
    return max(len(re.findall(r"\bWHEN\b", q["sql"])) for q in queries)


def locks(queries) -> list[str]:
    """The tables locked FOR UPDATE, in order; each must be locked in pk order."""
    found = []
    for query in queries:
        sql = query["sql"]
        if "FOR UPDATE" in sql:
            table = re.search(r'FROM "(\w+)"', sql).group(1)
            assert sql.startswith(f'SELECT "{table}"."id" AS "pk"'), sql[:200]
            assert re.search(r"ORDER BY 1 ASC FOR UPDATE", sql), sql[-200:]
            found.append(table)
    return found


def monthly_indicators(n: int) -> list:
    goal = GoalFactory()
    return [
        IndicatorFactory(goal=goal, unit="count", frequency="monthly") for _ in range(n)
    ]


@pytest.mark.real_services
def test_a_large_approval_costs_the_statements_of_a_small_one(people):
    """9,000 values: as many statements as 300, none with a branch per value."""
    clerk, approver = people["clerk"], people["approver"]
    indicators = monthly_indicators(90)
    submitted(indicators, clerk)
    first = indicators[:3]
    with CaptureQueriesContext(connection) as small:
        values_approve(
            value_ids=IndicatorValue.objects.filter(indicator__in=first).values_list(
                "pk", flat=True
            ),
            user=approver,
        )
    # Corrections of those 300 official values, and 8,700 values never approved.
    submitted(first, clerk, value="2", comment="revised")
    ids = pending_ids()
    assert len(ids) == 9_000

    with CaptureQueriesContext(connection) as large:
        decided = values_approve(value_ids=ids, user=approver)

    assert len(decided) == 9_000
    assert len(large) <= len(small), [q["sql"][:120] for q in large]
    assert most_branches(large) <= 2, "a CASE branch per value"
    # Indicators, then the chosen values, then the officials they replace.
    assert locks(large) == [
        "indicators_indicator",
        "indicators_indicatorvalue",
        "indicators_indicatorvalue",
    ]
    official = IndicatorValue.objects.filter(
        status="approved", superseded_at__isnull=True
    )
    assert official.count() == 90 * MONTHS
    corrected = official.filter(indicator__in=first)
    assert set(corrected.values_list("value", flat=True)) == {Decimal(2)}
    # The replaced officials end when their corrections begin, not before.
    replaced = IndicatorValue.objects.filter(superseded_at__isnull=False)
    assert replaced.count() == 300
    assert set(replaced.values_list("superseded_at", flat=True)) == set(
        corrected.values_list("approved_at", flat=True)
    )
    reasons = IndicatorValue.history.filter(history_type="~").values_list(
        "history_change_reason", "history_user"
    )
    assert sorted(set(reasons)) == [
        ("approved", approver.pk),
        ("superseded by an approved correction", approver.pk),
    ]
    assert reasons.filter(history_change_reason="approved").count() == 9_300


@pytest.mark.real_services
def test_a_large_rejection_costs_the_statements_of_a_small_one(people):
    clerk, approver = people["clerk"], people["approver"]
    submitted(monthly_indicators(90), clerk)
    ids = pending_ids()
    with CaptureQueriesContext(connection) as small:
        values_reject(value_ids=ids[:300], user=approver, reason="wrong source")
    with CaptureQueriesContext(connection) as large:
        values_reject(value_ids=ids[300:], user=approver, reason="wrong source")
    assert len(large) <= len(small)
    assert most_branches(large) <= 2, "a CASE branch per value"
    assert IndicatorValue.objects.filter(status="rejected").count() == 9_000
    rejections = IndicatorValue.history.filter(
        history_type="~", history_change_reason="rejected"
    )
    assert rejections.count() == 9_000


def test_one_refused_value_among_hundreds_decides_nothing(people):
    """All or nothing, and the refusal names the value and its reason."""
    submitted(monthly_indicators(3), people["clerk"])
    both = UserFactory(username="both", roles=[Role.SECRETARIAT, Role.APPROVER])
    indicator = IndicatorFactory(code="OWN", unit="count")
    values_record(
        items=[ValueInput(indicator, dt.date(2020, 1, 1), Decimal(5))],
        user=both,
        source="form",
    )
    own = indicator.values.get()
    with pytest.raises(ValueRejected) as refused:
        values_approve(value_ids=[*pending_ids(), 10**9], user=both)
    assert refused.value.has(services.ErrorCode.OWN_ENTRY)
    assert refused.value.has(services.ErrorCode.GONE)
    assert str(refused.value.errors[own.pk]) == (
        "OWN 2020 was entered by you, or by an API key of yours; another person "
        "must decide on it."
    )
    assert not IndicatorValue.objects.filter(status="approved").exists()
    assert not IndicatorValue.history.filter(history_type="~").exists()
    values_approve(value_ids=[own.pk], user=people["approver"])
    with pytest.raises(ValueRejected, match="OWN 2020 no longer waits"):
        values_reject(value_ids=[own.pk], user=people["approver"], reason="late")


def decided(world, monkeypatch, threshold: int) -> tuple:
    """Approve and reject on one path; every row and history row it left."""
    monkeypatch.setattr(services, "STAGING_THRESHOLD", threshold)
    clerk, approver, a, b = world
    y2022, y2023 = dt.date(2022, 1, 1), dt.date(2023, 1, 1)
    with transaction.atomic():
        items = [ValueInput(a, y2022, Decimal(1)), ValueInput(b, y2022, Decimal(2))]
        values_record(items=items, user=clerk, source="api")
        values_approve(value_ids=pending_ids(), user=approver)
        items = [
            ValueInput(a, y2022, Decimal(3), "revised"),
            ValueInput(b, y2022, Decimal(4), "revised"),
            ValueInput(b, y2023, Decimal(5)),
        ]
        values_record(items=items, user=clerk, source="api")
        pending = sorted(pending_ids())
        values_approve(value_ids=pending[:1], user=approver)
        values_reject(value_ids=pending[1:], user=approver, reason="  no source ")
        result = snapshot()
        transaction.set_rollback(True)
    return result


@pytest.mark.real_services
def test_both_decision_paths_leave_the_same_rows_and_history(people, monkeypatch):
    world = (
        people["clerk"],
        people["approver"],
        *(IndicatorFactory(code=code, unit="count") for code in "AB"),
    )
    calls = []
    original = services.staging.revisions_update
    monkeypatch.setattr(
        services.staging,
        "revisions_update",
        lambda ids, **kw: calls.append(len(ids)) or original(ids, **kw),
    )
    through_orm = decided(world, monkeypatch, threshold=10**9)
    assert calls == []
    set_based = decided(world, monkeypatch, threshold=1)
    # Approve two; supersede one official and approve its correction; reject two.
    assert calls == [2, 1, 1, 2]
    assert set_based == through_orm
    values, history = set_based
    kinds = sorted(
        (row["history_type"], row["history_change_reason"])
        for row in map(dict, history)
    )
    assert kinds == sorted(
        [("+", "api")] * 5
        + [("~", "approved")] * 3
        + [("~", "superseded by an approved correction")]
        + [("~", "rejected")] * 2
    )
    statuses = sorted(
        (row["status"], row["rejection_reason"]) for row in map(dict, values)
    )
    assert statuses == [
        *[("approved", "")] * 3,
        *[("rejected", "no source")] * 2,
    ]
