"""Follow-ups to the end and the meeting's date rules (issue 17)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from councils.models import FollowUpAction, MeetingSnapshot, MeetingStatus
from councils.pack import meeting_pack_content
from councils.services import (
    CouncilRuleError,
    MinutesLocked,
    agenda_item_add,
    decision_record,
    follow_up_add,
    follow_up_status_set,
    meeting_pack_freeze,
    meeting_status_set,
)
from tests.factories import MeetingFactory, OrganisationFactory, UserFactory
from tests.helpers import assert_refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def a_decision(meeting=None, day=None):
    meeting = meeting or MeetingFactory(date=day or dt.date(2026, 2, 1))
    item = agenda_item_add(meeting=meeting, title="Sak", kind="beslutning")
    return decision_record(agenda_item=item, text="Vedtak", decided_on=meeting.date)


def test_a_follow_up_may_be_owned_by_a_person_alone():
    person = UserFactory(username="eier")
    action = follow_up_add(
        decision=a_decision(),
        description="Skriv notat",
        assignee=person,
        due_date=dt.date(2026, 3, 1),
    )
    assert action.owner_text == "eier"


def test_a_follow_up_needs_an_owner():
    with pytest.raises(CouncilRuleError, match="responsible"):
        follow_up_add(
            decision=a_decision(), description="X", due_date=dt.date(2026, 3, 1)
        )
    decision = a_decision()
    assert_refused(
        "followupaction_has_an_owner",
        lambda: FollowUpAction.objects.create(
            decision=decision, description="X", due_date=dt.date(2026, 3, 1)
        ),
    )


def test_the_due_date_cannot_precede_the_decision():
    with pytest.raises(CouncilRuleError, match="before the decision"):
        follow_up_add(
            decision=a_decision(),
            description="X",
            responsible=OrganisationFactory(),
            due_date=dt.date(2026, 1, 31),
        )
    assert not FollowUpAction.objects.exists()


def test_done_and_cancelled_need_a_note():
    action = follow_up_add(
        decision=a_decision(),
        description="X",
        responsible=OrganisationFactory(),
        due_date=dt.date(2026, 3, 1),
    )
    with pytest.raises(CouncilRuleError, match="note"):
        follow_up_status_set(action=action, status="cancelled", note=" ")
    action.refresh_from_db()
    assert action.status == "open"
    follow_up_status_set(action=action, status="in_progress")
    follow_up_status_set(action=action, status="done", note="Levert 1. mars")
    action.refresh_from_db()
    assert (action.status, action.status_note) == ("done", "Levert 1. mars")


def test_the_status_page_refuses_an_unknown_status(client, secretariat):
    action = follow_up_add(
        decision=a_decision(),
        description="X",
        responsible=OrganisationFactory(),
        due_date=dt.date(2026, 3, 1),
    )
    client.force_login(secretariat)
    url = reverse("councils:action_status", args=[action.pk])
    assert client.post(url, {"status": "finished"}).status_code == 400
    assert client.post(url, {"status": "done", "note": ""}).status_code == 400
    action.refresh_from_db()
    assert action.status == "open"


def test_minutes_cannot_be_approved_before_the_meeting_date():
    meeting = MeetingFactory(date=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(CouncilRuleError, match="before the meeting"):
        meeting_status_set(meeting=meeting, status=MeetingStatus.MINUTES_APPROVED)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    meeting.date = timezone.localdate()
    meeting.save()
    meeting_status_set(meeting=meeting, status=MeetingStatus.MINUTES_APPROVED)


def test_a_pack_is_not_frozen_again_after_the_minutes_are_approved(client, secretariat):
    meeting = MeetingFactory(date=timezone.localdate())
    meeting_pack_freeze(meeting=meeting, user=secretariat)
    meeting_status_set(meeting=meeting, status=MeetingStatus.MINUTES_APPROVED)
    with pytest.raises(MinutesLocked):
        meeting_pack_freeze(meeting=meeting, user=secretariat)
    client.force_login(secretariat)
    response = client.post(reverse("councils:pack_freeze", args=[meeting.pk]))
    assert response.status_code == 302
    assert MeetingSnapshot.objects.filter(meeting=meeting).count() == 1


def test_open_follow_ups_are_carried_into_the_next_meetings_pack():
    first = MeetingFactory(date=dt.date(2026, 2, 1))
    organisation = OrganisationFactory(name="Norsk helsenett SF")
    decision = a_decision(first)
    late = follow_up_add(
        decision=decision,
        description="Utred",
        responsible=organisation,
        due_date=dt.date(2026, 3, 1),
    )
    closed = follow_up_add(
        decision=decision,
        description="Ferdig",
        responsible=organisation,
        due_date=dt.date(2026, 3, 1),
    )
    follow_up_status_set(action=closed, status="done", note="OK")
    follow_up_add(
        decision=decision,
        description="Senere",
        responsible=organisation,
        due_date=dt.date(2026, 9, 1),
    )
    second = MeetingFactory(council=first.council, date=dt.date(2026, 4, 1))
    content = meeting_pack_content(meeting=second, as_of=dt.date(2026, 3, 25))
    carried = content["since_last"]["open_actions"]
    assert [(a["description"], a["overdue"]) for a in carried] == [
        ("Utred", True),
        ("Senere", False),
    ]
    assert carried[0]["owner"] == "Norsk helsenett SF"
    assert late.is_overdue(dt.date(2026, 3, 2))
