import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from councils.models import AgendaItem
from councils.selectors import follow_ups_overdue
from councils.services import (
    CouncilRuleError,
    MinutesLocked,
    agenda_item_add,
    decision_amend,
    decision_record,
    decision_update,
    follow_up_add,
    follow_up_status_set,
    meeting_create,
    meeting_status_set,
)
from tests.factories import (
    CouncilFactory,
    IndicatorFactory,
    InitiativeFactory,
    MeetingFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Rule messages are matched in English, whatever the catalogue says."""
    with translation.override("en"):
        yield


def add_item(meeting, title="Sak", kind="orientering", **links):
    return agenda_item_add(meeting=meeting, title=title, kind=kind, **links)


def test_agenda_items_are_numbered_per_council_and_year():
    council = CouncilFactory()
    spring = MeetingFactory(council=council, date=dt.date(2026, 3, 1))
    autumn = MeetingFactory(council=council, date=dt.date(2026, 9, 1))
    next_year = MeetingFactory(council=council, date=dt.date(2027, 2, 1))
    other_council = MeetingFactory(date=dt.date(2026, 3, 1))

    numbers = [
        add_item(spring).case_number,
        add_item(spring).case_number,
        add_item(autumn).case_number,
        add_item(next_year).case_number,
        add_item(other_council).case_number,
    ]
    assert numbers == ["1/26", "2/26", "3/26", "1/27", "1/26"]


def test_numbering_is_unique_in_the_database():
    item = add_item(MeetingFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(
            meeting=item.meeting,
            council=item.council,
            year=item.year,
            number=item.number,
            title="Dobbel",
            kind="drøfting",
        )


def test_agenda_item_links_indicators_and_initiatives():
    indicator, initiative = IndicatorFactory(), InitiativeFactory()
    item = add_item(MeetingFactory(), indicators=[indicator], initiatives=[initiative])
    assert list(item.indicators.all()) == [indicator]
    assert list(item.initiatives.all()) == [initiative]


def test_agenda_item_kind_must_be_known():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        add_item(MeetingFactory(), kind="prat")
    assert not AgendaItem.objects.exists()


def test_meeting_status_only_moves_forward():
    meeting = meeting_create(
        council=CouncilFactory(), date=dt.date(2026, 5, 1), title="Møte"
    )
    meeting = meeting_status_set(meeting=meeting, status="held")
    with pytest.raises(CouncilRuleError, match="cannot go back"):
        meeting_status_set(meeting=meeting, status="planned")
    assert meeting_status_set(meeting=meeting, status="minutes_approved").status == (
        "minutes_approved"
    )


def test_approved_minutes_refuse_new_items_and_decision_edits():
    meeting = MeetingFactory()
    item = add_item(meeting, kind="beslutning")
    decision = decision_record(
        agenda_item=item, text="Rådet slutter seg til.", decided_on=meeting.date
    )
    meeting_status_set(meeting=meeting, status="minutes_approved")
    meeting.refresh_from_db()

    with pytest.raises(MinutesLocked):
        add_item(meeting)
    with pytest.raises(MinutesLocked):
        decision_record(agenda_item=item, text="Nytt", decided_on=meeting.date)
    with pytest.raises(MinutesLocked):
        decision_update(decision=decision, text="Endret")
    decision.refresh_from_db()
    assert decision.text == "Rådet slutter seg til."


def test_locked_decision_changes_by_recorded_amendment():
    meeting = MeetingFactory()
    decision = decision_record(
        agenda_item=add_item(meeting), text="Opprinnelig", decided_on=meeting.date
    )
    meeting_status_set(meeting=meeting, status="minutes_approved")
    user = UserFactory()
    with pytest.raises(CouncilRuleError, match="reason"):
        decision_amend(decision=decision, text="Ny", reason=" ", user=user)
    amendment = decision_amend(
        decision=decision, text="Ny tekst", reason="Skrivefeil", user=user
    )
    assert amendment.made_by == user
    assert decision.amendments.count() == 1
    decision.refresh_from_db()
    assert decision.text == "Opprinnelig"


def test_decision_cannot_rest_on_another_meetings_pack():
    from django.utils import timezone

    from councils.models import MeetingSnapshot

    meeting, other = MeetingFactory(), MeetingFactory()
    pack = MeetingSnapshot.objects.create(
        meeting=other, frozen_at=timezone.now(), content={}, content_hash="x" * 64
    )
    with pytest.raises(CouncilRuleError, match="own meeting"):
        decision_record(
            agenda_item=add_item(meeting),
            text="T",
            decided_on=meeting.date,
            based_on=pack,
        )


def test_overdue_follow_ups():
    meeting = MeetingFactory(date=dt.date(2026, 2, 1))
    decision = decision_record(
        agenda_item=add_item(meeting), text="Følg opp", decided_on=meeting.date
    )
    org = OrganisationFactory()
    late = follow_up_add(
        decision=decision,
        description="Sen",
        responsible=org,
        due_date=dt.date(2026, 4, 1),
    )
    follow_up_add(
        decision=decision,
        description="I tide",
        responsible=org,
        due_date=dt.date(2026, 6, 1),
    )
    done = follow_up_add(
        decision=decision,
        description="Ferdig",
        responsible=org,
        due_date=dt.date(2026, 3, 1),
    )
    follow_up_status_set(action=done, status="done", note="Levert")

    today = dt.date(2026, 5, 1)
    assert list(follow_ups_overdue(today=today)) == [late]
    assert list(follow_ups_overdue(today=today, council_id=meeting.council_id)) == [
        late
    ]
    assert not follow_ups_overdue(today=today, council_id=CouncilFactory().pk)
    # Due today is not overdue yet.
    assert list(follow_ups_overdue(today=dt.date(2026, 4, 1))) == []
