"""One of each thing the notifications are about (plain helper, no fixtures)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from core.roles import Role
from councils.models import Membership
from councils.services import (
    agenda_item_add,
    decision_record,
    follow_up_add,
    meeting_pack_freeze,
)
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MeetingFactory,
    OrganisationFactory,
    UserFactory,
)


@dataclass
class World:
    owner_address: str
    approvers: list
    assignee: object
    member: object
    snapshot: object
    expected: set  # (recipient, kind) of each message a sweep sends


def notification_world() -> World:
    today = timezone.localdate()
    owner = OrganisationFactory(
        name="Norsk helsenett SF", contact_emails=["data@nhn.example"]
    )
    # Owned, with no value at all: overdue.
    IndicatorFactory(code="NHN-1", name_nb="Andel e-resepter", owner=owner)
    secretariat = UserFactory(
        username="sekr", email="sekr@hdir.example", roles=[Role.SECRETARIAT]
    )
    approvers = [
        UserFactory(
            username=f"godkj{n}", email=f"godkj{n}@hdir.example", roles=[Role.APPROVER]
        )
        for n in (1, 2)
    ]
    # Two values wait: each approver gets one message listing both.
    for year in (2023, 2024):
        IndicatorValueFactory(
            indicator=IndicatorFactory(code=f"VENT-{year}"),
            period_start=dt.date(year, 1, 1),
            entered_by=secretariat,
        )
    assignee = UserFactory(
        username="ansvarlig", email="ansvarlig@ks.example", roles=[Role.COUNCIL_MEMBER]
    )
    member = UserFactory(
        username="medlem", email="medlem@hso.example", roles=[Role.COUNCIL_MEMBER]
    )
    meeting = MeetingFactory(date=today)
    Membership.objects.create(
        council=meeting.council, person_name="Medlem", role="member", user=member
    )
    item = agenda_item_add(meeting=meeting, title="Sak", kind="beslutning")
    decision = decision_record(agenda_item=item, text="Vedtak", decided_on=today)
    follow_up_add(
        decision=decision,
        description="Lever utredning",
        assignee=assignee,
        due_date=today + dt.timedelta(days=3),
    )
    snapshot = meeting_pack_freeze(meeting=meeting, user=secretariat)
    expected = {
        ("data@nhn.example", "value_due"),
        ("godkj1@hdir.example", "approvals_waiting"),
        ("godkj2@hdir.example", "approvals_waiting"),
        ("ansvarlig@ks.example", "follow_up_due"),
        ("medlem@hso.example", "pack_frozen"),
    }
    return World("data@nhn.example", approvers, assignee, member, snapshot, expected)
