"""The indicators' invariants hold in the database itself, not only in forms."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import IndicatorFactory, IndicatorValueFactory, UserFactory
from tests.helpers import assert_refused

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"baseline_year": 2031, "target_year": 2030}, "baseline_year", "after"),
        ({"baseline_value": Decimal("10"), "baseline_year": None}, "baseline_year", ""),
    ],
)
def test_a_broken_indicator_rule_is_told_in_plain_words(fields, field, words):
    # What a form (ours or the admin's) shows: the model's validation, which
    # checks the constraints too; their names never reach a person.
    from django.core.exceptions import ValidationError
    from django.utils import translation

    indicator = IndicatorFactory.build(**fields)
    for language in ("nb", "en"):
        with translation.override(language), pytest.raises(ValidationError) as caught:
            indicator.full_clean(exclude=["goal", "owner"])
        text = " ".join(str(m) for ms in caught.value.message_dict.values() for m in ms)
        assert "indicator_" not in text
        assert field in caught.value.message_dict
    with translation.override("en"):
        assert words in " ".join(caught.value.message_dict[field])


def test_every_indicator_rule_has_a_message_of_its_own():
    from indicators.models import Indicator

    for constraint in Indicator._meta.constraints:
        assert constraint.name not in str(constraint.get_violation_error_message())
