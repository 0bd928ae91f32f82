"""The domain's invariants hold in the database itself, not only in forms."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import (
    DeliveryFactory,
    GoalFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    StrategyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused(constraint: str, create) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        create()


def approved(indicator, **kwargs):
    return IndicatorValueFactory(
        indicator=indicator, status="approved", approved_at=timezone.now(), **kwargs
    )


def test_one_current_approved_value_per_indicator_and_period():
    indicator = IndicatorFactory()
    approved(indicator)
    # PostgreSQL names the unique index; SQLite names its columns.
    with pytest.raises(IntegrityError), transaction.atomic():
        approved(indicator)


def test_superseded_and_unapproved_revisions_may_coexist():
    indicator = IndicatorFactory()
    old = approved(indicator, value=Decimal("1"))
    old.superseded_at = timezone.now()
    old.save()
    approved(indicator, value=Decimal("2"), supersedes=old)
    IndicatorValueFactory(indicator=indicator, status="submitted")
    IndicatorValueFactory(indicator=indicator, status="rejected")
    assert indicator.values.count() == 4


def test_nobody_approves_their_own_entry():
    person = UserFactory()
    assert_refused(
        "value_approver_not_enterer",
        lambda: approved(IndicatorFactory(), entered_by=person, approved_by=person),
    )


def test_another_person_may_approve():
    value = approved(
        IndicatorFactory(), entered_by=UserFactory(), approved_by=UserFactory()
    )
    assert value.pk


def test_approved_value_needs_approval_time():
    assert_refused(
        "value_approved_has_time",
        lambda: IndicatorValueFactory(status="approved", approved_at=None),
    )


def test_period_starts_on_the_first_of_a_month():
    assert_refused(
        "value_period_starts_on_first",
        lambda: IndicatorValueFactory(period_start=dt.date(2024, 3, 15)),
    )


def test_value_status_must_be_known():
    assert_refused(
        "value_status_valid", lambda: IndicatorValueFactory(status="official")
    )


def test_indicator_direction_is_required_and_known():
    assert_refused("indicator_direction_valid", lambda: IndicatorFactory(direction=""))
    assert_refused(
        "indicator_direction_valid", lambda: IndicatorFactory(direction="up")
    )


def test_indicator_baseline_value_needs_a_year():
    assert_refused(
        "indicator_baseline_has_year",
        lambda: IndicatorFactory(baseline_value=Decimal("10"), baseline_year=None),
    )


def test_indicator_baseline_not_after_target():
    assert_refused(
        "indicator_baseline_not_after_target",
        lambda: IndicatorFactory(baseline_year=2031, target_year=2030),
    )


def test_indicator_target_year_defaults_to_2030():
    assert IndicatorFactory().target_year == 2030


def test_goal_kind_must_be_known():
    assert_refused("goal_kind_valid", lambda: GoalFactory(kind="other"))


def test_strategy_period_runs_forward():
    assert_refused(
        "strategy_start_before_end",
        lambda: StrategyFactory(start_year=2030, end_year=2023),
    )


def test_delivery_does_not_end_before_it_starts():
    assert_refused(
        "delivery_start_not_after_end",
        lambda: DeliveryFactory(
            start_date=dt.date(2026, 5, 1), end_date=dt.date(2026, 1, 1)
        ),
    )


def test_delivery_planning_status_is_planned_or_tentative():
    assert_refused(
        "delivery_planning_status_valid",
        lambda: DeliveryFactory(planning_status="Kanskje"),
    )


def test_roadmap_ids_are_unique():
    DeliveryFactory(roadmap_id="12345678901234567")
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryFactory(roadmap_id="12345678901234567")


def test_period_labels():
    annual = IndicatorValueFactory.build(period_start=dt.date(2024, 1, 1))
    quarterly = IndicatorValueFactory.build(
        period_start=dt.date(2024, 7, 1), granularity="quarterly"
    )
    monthly = IndicatorValueFactory.build(
        period_start=dt.date(2024, 6, 1), granularity="monthly"
    )
    assert (annual.period_label, quarterly.period_label, monthly.period_label) == (
        "2024",
        "2024-Q3",
        "2024-06",
    )
