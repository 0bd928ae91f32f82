"""The outlier check: robust (median and MAD of the changes), by frequency, said
in plain words to the person entering a value and to the approver (issue 15).

The cases of the issue: 229,4 → 1 and 13 → 1 234,5 went unflagged, while the
correct 13,4 entered next was flagged "z-skår 4.9".
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from indicators import services
from indicators.models import ValueInput, ValueSource
from indicators.outliers import unusual_change
from indicators.selectors import approval_queue
from indicators.tests.helpers import enter
from tests.factories import IndicatorFactory, IndicatorValueFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
# Two years of a monthly share creeping from 10 to 13 with a little noise.
CREEPING = [
    10.0, 10.2, 10.1, 10.4, 10.5, 10.5, 10.8, 10.9, 11.0, 11.0, 11.3, 11.4,
    11.5, 11.5, 11.8, 11.9, 12.0, 12.1, 12.2, 12.4, 12.5, 12.6, 12.8, 13.0,
]  # fmt: skip


def months(values, first=0):
    return [(first + n, v) for n, v in enumerate(values)]


# --- The pure check ---------------------------------------------------------------


def test_13_to_1234_5_is_flagged():
    jump = unusual_change(months(CREEPING), (24, 1234.5))
    assert jump is not None
    assert (jump.from_value, jump.to_value) == (13.0, 1234.5)
    assert jump.relative and jump.change == pytest.approx(1234.5 / 13 - 1)
    assert 0 < jump.typical < 0.03  # about 1,1 % a month


def test_229_4_to_1_is_flagged():
    history = months([210.2, 212.0, 215.5, 214.9, 218.3, 221.0, 224.6, 229.4])
    jump = unusual_change(history, (8, 1.0))
    assert jump is not None and jump.change == pytest.approx(1 / 229.4 - 1)


def test_the_correct_13_4_after_an_approved_mistake_is_not_flagged():
    # 1 234,5 was approved by mistake for month 24; 13,4 follows in month 25.
    history = [*months(CREEPING), (24, 1234.5)]
    assert unusual_change(history, (25, 13.4)) is None


def test_the_correct_13_4_replacing_the_mistake_is_not_flagged():
    history = [*months(CREEPING), (24, 1234.5)]
    assert unusual_change(history, (24, 13.4)) is None


def test_a_steady_trend_is_not_an_outlier_however_far_from_the_mean():
    # The old z-score on levels flagged the newest value of any steady trend.
    compound = months([100 * 1.35**n for n in range(8)])
    assert unusual_change(compound, (8, 100 * 1.35**8 * 1.02)) is None
    assert unusual_change(compound, (8, 100 * 1.35**7 * 0.5)) is not None


def test_a_gap_counts_as_that_many_periods():
    # +10 % a quarter: three quarters' growth is ordinary three quarters later,
    # not one quarter later.
    history = months([100 * 1.1**n for n in range(8)])
    assert unusual_change(history, (10, 100 * 1.1**10)) is None
    assert unusual_change(history, (8, 100 * 1.1**10)) is not None


def test_a_spike_in_a_middle_period_is_flagged_a_step_is_not():
    history = months(CREEPING)
    assert unusual_change(history, (12, 40.0)) is not None
    # 11,45 in month 12 breaks from neither neighbour.
    assert unusual_change(history, (12, 11.45)) is None


def test_the_earliest_period_is_checked_against_the_one_after():
    assert unusual_change(months(CREEPING, first=1), (0, 900.0)) is not None
    assert unusual_change(months(CREEPING, first=1), (0, 9.9)) is None


def test_too_little_history_tells_nothing():
    assert unusual_change(months([10.0, 11.0, 12.0]), (3, 1000.0)) is None


def test_a_constant_series_flags_a_jump_not_a_tiny_change():
    flat = months([50.0] * 10)
    assert unusual_change(flat, (10, 50.1)) is None
    assert unusual_change(flat, (10, 60.0)) is not None


def test_values_of_both_signs_are_compared_as_differences():
    history = months([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0])
    assert unusual_change(history, (6, 3.0)) is None
    jump = unusual_change(history, (6, 300.0))
    assert jump is not None and not jump.relative and jump.change == 298.0


# --- Said to the person entering and to the approver ------------------------------


@pytest.fixture
def creeping(db):
    """A monthly indicator with two years of approved values, 2024-01..2025-12."""
    indicator = IndicatorFactory(code="IND-X", unit="other", frequency="monthly")
    approved_at = timezone.now() - dt.timedelta(days=1)
    for n, value in enumerate(CREEPING):
        IndicatorValueFactory(
            indicator=indicator,
            period_start=dt.date(2024 + n // 12, n % 12 + 1, 1),
            granularity="monthly",
            value=Decimal(str(value)),
            status="approved",
            approved_at=approved_at,
        )
    return indicator


JUMP_NB = (
    "Fra 2025-12 (13) til 2026-01 (1\xa0234,5) endres verdien med +9\xa0396,15 %; "
    "vanligvis endres den med omkring +0,88 % per måned."
)


def test_the_person_entering_1234_5_is_told_why_it_looks_wrong(
    client, creeping, secretariat
):
    client.force_login(secretariat)
    with translation.override("nb"):
        response = client.post(
            enter(), {"period": "2026-01", "value": "1 234,5"}, **HTMX
        )
    status = response.content.decode().split('id="value-status"')[1]
    status = status.split("</div>")[0]
    assert "message-warning" in status
    assert "Verdien ble registrert og venter på godkjenning." in status
    assert JUMP_NB in status


def test_without_js_the_warning_follows_the_redirect(client, creeping, secretariat):
    client.force_login(secretariat)
    with translation.override("nb"):
        response = client.post(
            enter(), {"period": "2026-01", "value": "1 234,5"}, follow=True
        )
    html = response.content.decode()
    assert "message-warning" in html and JUMP_NB in html


def test_an_ordinary_value_gets_no_warning(client, creeping, secretariat):
    client.force_login(secretariat)
    response = client.post(enter(), {"period": "2026-01", "value": "13,2"}, **HTMX)
    assert "message-warning" not in response.content.decode()


def record(indicator, period, value, user, comment=""):
    item = ValueInput(indicator, period, Decimal(value), comment)
    services.values_record(items=[item], user=user, source=ValueSource.FORM)


def test_the_approver_sees_the_reason_before_approving(
    client, creeping, secretariat, approver
):
    record(creeping, dt.date(2026, 1, 1), "1234.5", secretariat)
    client.force_login(approver)
    with translation.override("nb"):
        html = client.get(reverse("indicators:approvals")).content.decode()
    assert JUMP_NB in html


def test_after_the_mistake_is_approved_the_correct_next_value_is_not_flagged(
    creeping, secretariat, approver
):
    record(creeping, dt.date(2026, 1, 1), "1234.5", secretariat)
    (mistake,) = approval_queue().items
    assert mistake.flags
    services.values_approve(value_ids=[mistake.value.pk], user=approver)
    # The correction of the month, and the month after: neither is flagged.
    record(creeping, dt.date(2026, 1, 1), "13.4", secretariat, comment="Tastefeil")
    record(creeping, dt.date(2026, 2, 1), "13.4", secretariat)
    assert [item.flags for item in approval_queue().items] == [[], []]


def test_expected_bounds_are_still_checked(creeping, secretariat):
    creeping.expected_max = Decimal(13)
    creeping.save()
    record(creeping, dt.date(2026, 1, 1), "13.2", secretariat)
    with translation.override("en"):
        (item,) = approval_queue().items
    assert item.flags == ["Above the expected maximum."]


def test_a_correct_value_at_the_edge_of_a_quiet_history_is_not_flagged(
    creeping, secretariat
):
    """The old z-score on levels flagged 13,4 after a quiet year near 12,4 that
    ended on 13 (z 5,3): a change of +3 % a month is ordinary here."""
    quiet = [12.3, 12.4, 12.3, 12.4, 12.5, 12.3, 12.4, 12.4, 12.3, 12.4, 12.4, 12.5]
    quiet += [12.3, 12.4, 12.4, 12.5, 12.5, 12.4, 12.5, 12.6, 12.6, 12.7, 12.9, 13.0]
    rows = creeping.values.order_by("period_start")
    for row, value in zip(rows, quiet, strict=True):
        row.value = Decimal(str(value))
        row.save()
    record(creeping, dt.date(2026, 1, 1), "13.4", secretariat)
    (item,) = approval_queue().items
    assert item.flags == []
