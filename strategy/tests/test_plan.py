import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from councils.services import agenda_item_add, decision_record
from indicators.models import IndicatorTargetChange
from strategy.models import PlanVersion
from strategy.plan import (
    PlanAdjustmentError,
    PlanChange,
    plan_adjust,
    plan_change_text,
    plan_diff,
)
from tests.factories import IndicatorFactory, InitiativeFactory, MeetingFactory


def test_plan_diff_lists_each_changed_field():
    old = {
        "indicators": {"A": {"target_value": "80", "target_year": 2030}},
        "initiatives": {"1A-1": {"priority": None}, "1A-2": {"priority": 2}},
    }
    new = {
        "indicators": {
            "A": {"target_value": "90", "target_year": 2030},
            "B": {"target_value": "5"},
        },
        "initiatives": {"1A-1": {"priority": 1}, "1A-2": {"priority": 2}},
    }
    assert plan_diff(old, new) == [
        PlanChange("indicators", "A", "target_value", "80", "90"),
        PlanChange("indicators", "B", "target_value", None, "5"),
        PlanChange("initiatives", "1A-1", "priority", None, 1),
    ]
    assert plan_diff(new, new) == []


@pytest.fixture
def decision(db):
    meeting = MeetingFactory(date=dt.date(2026, 6, 1))
    item = agenda_item_add(meeting=meeting, title="Plan", kind="beslutning")
    return decision_record(
        agenda_item=item, text="Målet heves.", decided_on=meeting.date
    )


@pytest.mark.django_db
def test_adjusting_the_plan_makes_versions_linked_to_the_decision(
    decision, secretariat
):
    indicator = IndicatorFactory(code="P-1", target_value=Decimal("80"))
    initiative = InitiativeFactory(code="9Z-1")

    version = plan_adjust(
        decision=decision,
        user=secretariat,
        reason="Rådet hever ambisjonen",
        indicator=indicator,
        target_value=Decimal("90"),
        initiative=initiative,
        priority=1,
    )

    assert version.number == 2 and version.decision == decision
    first = PlanVersion.objects.get(number=1)
    changes = plan_diff(first.content, version.content)
    assert (
        PlanChange("indicators", "P-1", "target_value", "80.000000", "90.000000")
        in changes
    )
    assert PlanChange("initiatives", "9Z-1", "priority", None, 1) in changes
    change = IndicatorTargetChange.objects.get(indicator=indicator)
    assert change.effective_from == dt.date(2026, 6, 1)


@pytest.mark.django_db
def test_adjustment_needs_a_reason_and_an_object(decision, secretariat):
    with translation.override("en"), pytest.raises(PlanAdjustmentError, match="why"):
        plan_adjust(decision=decision, user=secretariat, reason=" ")
    with translation.override("en"), pytest.raises(PlanAdjustmentError, match="Choose"):
        plan_adjust(decision=decision, user=secretariat, reason="Hvorfor")
    assert not PlanVersion.objects.exists()


@pytest.mark.django_db
def test_plan_pages(client, secretariat, council_member, decision):
    indicator = IndicatorFactory(code="P-2", target_value=Decimal("50"))
    client.force_login(council_member)
    url = reverse("councils:decision_plan", args=[decision.pk])
    assert client.get(url).status_code == 403

    client.force_login(secretariat)
    response = client.post(
        url, {"reason": "Justering", "indicator": indicator.pk, "target_value": "55,5"}
    )
    assert response.status_code == 302
    invalid = client.post(url, {"reason": "Uten objekt"})
    assert invalid.status_code == 400

    client.force_login(council_member)
    page = client.get(reverse("strategy:plan")).content.decode()
    assert "P-2" in page and "55,5" in page and "55.500000" not in page
    assert client.get(reverse("strategy:plan"), {"to": "99"}).status_code == 404


def test_a_plan_change_reads_as_people_write_it():
    """The outside test: the plan diff showed "target_value 90.000000 → 95.000000"."""
    from django.utils import translation

    change = PlanChange("indicators", "A", "target_value", "90.000000", "1234.5")
    with translation.override("nb"):
        text = plan_change_text(change)
    assert text.field != "target_value" and "_" not in text.field
    assert text.before == "90" and text.after.replace("\xa0", " ") == "1 234,5"
    assert (
        plan_change_text(
            PlanChange("indicators", "B", "target_year", None, 2030)
        ).before
        == "–"
    )
