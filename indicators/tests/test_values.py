"""Recording, correcting, approving and rejecting values through the services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.roles import Role
from indicators import services
from indicators.models import IndicatorTargetChange, IndicatorValue, ValueStatus
from indicators.selectors import (
    approval_queue,
    expected_period,
    indicator_periods,
    indicator_rows,
    value_heads,
)
from indicators.services import (
    ValueInput,
    ValueRejected,
    indicator_update,
    values_approve,
    values_record,
    values_reject,
)
from tests.factories import IndicatorFactory, IndicatorValueFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Y2024 = dt.date(2024, 1, 1)


@pytest.fixture
def recompute(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "progress_recompute_enqueue", calls.append)
    return calls


def record(indicator, value, user, comment="", period=Y2024, **kwargs):
    return values_record(
        items=[ValueInput(indicator, period, Decimal(value), comment)],
        user=user,
        source="form",
        **kwargs,
    )[0]


def test_a_value_enters_as_submitted_with_who_and_when(secretariat):
    indicator = IndicatorFactory()
    assert record(indicator, "57", secretariat).outcome == "created"
    value = indicator.values.get()
    assert (value.status, value.entered_by, value.source) == (
        "submitted",
        secretariat,
        "form",
    )
    assert value.history.count() == 1


def test_the_same_value_again_creates_nothing(secretariat):
    indicator = IndicatorFactory()
    record(indicator, "57", secretariat)
    assert record(indicator, "57.000", secretariat).outcome == "unchanged"
    assert indicator.values.count() == 1


def test_a_correction_needs_a_comment_and_writes_nothing_without(secretariat):
    indicator = IndicatorFactory()
    record(indicator, "57", secretariat)
    with pytest.raises(ValueRejected, match="comment"):
        record(indicator, "58", secretariat)
    assert indicator.values.count() == 1


def test_a_correction_keeps_the_old_value_in_history(secretariat, approver, recompute):
    indicator = IndicatorFactory()
    record(indicator, "57", secretariat)
    first = indicator.values.get()
    values_approve(value_ids=[first.pk], user=approver)
    assert record(indicator, "58", secretariat, "SSB revised").outcome == "revised"
    correction = indicator.values.get(supersedes=first)
    first.refresh_from_db()
    # Until the correction is approved, the old value stays official.
    assert first.status == "approved" and first.superseded_at is None
    values_approve(value_ids=[correction.pk], user=approver)
    first.refresh_from_db()
    correction.refresh_from_db()
    assert first.superseded_at == correction.approved_at
    assert correction.status == "approved" and correction.superseded_at is None
    rows = indicator_periods(indicator=indicator, today=dt.date(2024, 6, 1)).rows
    assert rows[0].official == correction
    assert [v.value for v in rows[0].history] == [Decimal("58"), Decimal("57")]
    assert recompute == [[indicator.pk], [indicator.pk]]


def test_a_new_revision_replaces_the_pending_one_in_the_queue(secretariat):
    indicator = IndicatorFactory()
    record(indicator, "57", secretariat)
    record(indicator, "58", secretariat, "typo")
    queue = approval_queue().items
    assert [item.value.value for item in queue] == [Decimal("58")]
    assert indicator.values.filter(superseded_at__isnull=False).count() == 1


def test_approver_cannot_approve_own_value():
    both = UserFactory(roles=[Role.SECRETARIAT, Role.APPROVER])
    indicator = IndicatorFactory()
    record(indicator, "57", both)
    with pytest.raises(ValueRejected, match="entered by you"):
        values_approve(value_ids=[indicator.values.get().pk], user=both)
    assert indicator.values.get().status == "submitted"


def test_only_an_approver_approves(secretariat):
    value = IndicatorValueFactory()
    with pytest.raises(ValueRejected, match="Only an approver"):
        values_approve(value_ids=[value.pk], user=secretariat)


def test_bulk_approval_is_all_or_nothing(approver, secretariat):
    good = IndicatorValueFactory(entered_by=secretariat)
    own = IndicatorValueFactory(entered_by=approver)
    with pytest.raises(ValueRejected):
        values_approve(value_ids=[good.pk, own.pk], user=approver)
    good.refresh_from_db()
    assert good.status == "submitted"


def test_rejected_value_never_becomes_official(approver, secretariat):
    value = IndicatorValueFactory(entered_by=secretariat)
    with pytest.raises(ValueRejected, match="reason"):
        values_reject(value_ids=[value.pk], user=approver, reason=" ")
    values_reject(value_ids=[value.pk], user=approver, reason="Wrong source")
    value.refresh_from_db()
    assert (value.status, value.rejection_reason) == ("rejected", "Wrong source")
    assert value_heads(indicator_ids=[value.indicator_id], period_starts=[Y2024]) == {}
    with pytest.raises(ValueRejected, match="no longer waits"):
        values_approve(value_ids=[value.pk], user=approver)
    rows = indicator_periods(indicator=value.indicator, today=dt.date(2024, 6, 1)).rows
    assert rows[0].official is None and rows[0].pending is None


@pytest.mark.parametrize(
    ("unit", "frequency", "period", "value", "error"),
    [
        ("percent", "annual", dt.date(2024, 1, 1), "100.5", "between 0 and 100"),
        ("percent", "annual", dt.date(2024, 1, 1), "-1", "between 0 and 100"),
        ("count", "annual", dt.date(2024, 4, 1), "5", "does not start a period"),
        ("count", "quarterly", dt.date(2024, 2, 1), "5", "does not start a period"),
        ("count", "annual", dt.date(2099, 1, 1), "5", "future"),
    ],
)
def test_invalid_values_are_refused_specifically(
    secretariat, unit, frequency, period, value, error
):
    indicator = IndicatorFactory(unit=unit, frequency=frequency)
    with pytest.raises(ValueRejected, match=error):
        record(indicator, value, secretariat, period=period)
    assert not IndicatorValue.objects.exists()


def test_duplicate_periods_in_one_request_are_refused(secretariat):
    indicator = IndicatorFactory()
    item = ValueInput(indicator, Y2024, Decimal(1))
    with pytest.raises(ValueRejected, match="twice"):
        values_record(items=[item, item], user=secretariat, source="api")


def test_values_never_enter_approved(secretariat):
    with pytest.raises(ValueRejected):
        record(IndicatorFactory(), "1", secretariat, status="approved")


def test_a_draft_is_submitted_later(secretariat):
    indicator = IndicatorFactory()
    record(indicator, "5", secretariat, status=ValueStatus.DRAFT)
    assert approval_queue().items == []
    services.value_submit(value=indicator.values.get(), user=secretariat)
    assert len(approval_queue().items) == 1


def test_outliers_are_flagged_for_the_approver(secretariat, approver):
    indicator = IndicatorFactory(expected_max=Decimal(90))
    for year, value in ((2019, 50), (2020, 51), (2021, 52), (2022, 51)):
        IndicatorValueFactory(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            value=Decimal(value),
            status="approved",
            approved_at=timezone.now(),
        )
    record(indicator, "95", secretariat)
    (item,) = approval_queue().items
    assert any("usually changes by about" in flag for flag in item.flags)
    assert any("expected maximum" in flag for flag in item.flags)


def test_overdue_indicators_are_flagged_with_their_owner():
    today = dt.date(2026, 11, 22)
    assert expected_period(frequency="annual", today=today) == dt.date(2025, 1, 1)
    assert expected_period(frequency="quarterly", today=today) == dt.date(2026, 4, 1)
    assert expected_period(frequency="monthly", today=today) == dt.date(2026, 9, 1)
    fresh = IndicatorFactory()
    IndicatorValueFactory(indicator=fresh, period_start=dt.date(2025, 1, 1))
    stale = IndicatorFactory()
    IndicatorValueFactory(indicator=stale, period_start=dt.date(2023, 1, 1))
    rows = {row.indicator.code: row for row in indicator_rows(today=today)}
    assert not rows[fresh.code].overdue
    assert rows[stale.code].overdue and rows[stale.code].newest_period == "2023"


def target_raise_to_90(indicator, user):
    indicator_update(
        indicator=indicator,
        user=user,
        fields={"target_value": Decimal(90)},
        change_reason="New national target",
        effective_from=dt.date(2026, 1, 1),
    )


def test_a_target_change_is_recorded_with_reason_and_date(secretariat, recompute):
    indicator = IndicatorFactory(target_value=Decimal(80))
    with pytest.raises(ValidationError) as error:
        indicator_update(
            indicator=indicator, user=secretariat, fields={"target_value": 90}
        )
    assert set(error.value.message_dict) == {"change_reason", "effective_from"}
    target_raise_to_90(indicator, secretariat)
    change = IndicatorTargetChange.objects.get()
    assert change.target_value == 90
    assert Decimal(change.previous["target_value"]) == 80
    assert change.changed_by == secretariat
    assert indicator.history.first().history_user == secretariat
    assert recompute == [[indicator.pk]]


def test_a_name_change_needs_no_reason(secretariat, recompute):
    indicator = IndicatorFactory()
    indicator_update(indicator=indicator, user=secretariat, fields={"name_nb": "Ny"})
    assert not IndicatorTargetChange.objects.exists()


def test_frequency_cannot_change_once_values_exist(secretariat):
    value = IndicatorValueFactory()
    with pytest.raises(ValidationError, match="frequency"):
        indicator_update(
            indicator=value.indicator,
            user=secretariat,
            fields={"frequency": "quarterly"},
        )


def _monthly_with_values(months: int):
    indicator = IndicatorFactory(code="MND", frequency="monthly", unit="count")
    for n in range(months):
        start = dt.date(2022 + n // 12, n % 12 + 1, 1)
        IndicatorValueFactory(
            indicator=indicator, period_start=start, granularity="monthly"
        )
    return indicator


def test_the_period_table_can_show_only_the_newest_periods(
    django_assert_num_queries,
):
    indicator = _monthly_with_values(30)  # 2022-01 .. 2024-06
    today = dt.date(2024, 8, 15)  # two more periods without values
    with django_assert_num_queries(2):  # the periods, then the shown values
        table = indicator_periods(indicator=indicator, today=today, newest=5)
    assert table.total == 32 and table.is_cut
    assert [row.label for row in table.rows] == [
        "2024-08", "2024-07", "2024-06", "2024-05", "2024-04",
    ]  # fmt: skip
    assert table.rows[0].history == [] and len(table.rows[2].history) == 1
    every = indicator_periods(indicator=indicator, today=today)
    assert every.total == len(every.rows) == 32 and not every.is_cut
    assert every.rows[-1].label == "2022-01"


def test_a_value_off_the_grid_keeps_its_own_period_label():
    # Entered quarterly before the indicator became annual.
    indicator = IndicatorFactory(code="OFF", frequency="annual", baseline_year=2024)
    IndicatorValueFactory(
        indicator=indicator, period_start=dt.date(2024, 4, 1), granularity="quarterly"
    )
    table = indicator_periods(indicator=indicator, today=dt.date(2025, 2, 1))
    assert [row.label for row in table.rows] == ["2025", "2024-Q2", "2024"]
    assert len(table.rows[1].history) == 1
