"""The roadmap's invariants hold in the database itself, not only in forms."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests.factories import DeliveryFactory
from tests.helpers import assert_refused

pytestmark = pytest.mark.django_db


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
