import datetime as dt

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    ActionStatus,
    AgendaItem,
    Council,
    Decision,
    FollowUpAction,
    Meeting,
)

OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def follow_ups_overdue(
    *, today: dt.date, council_id: int | None = None
) -> QuerySet[FollowUpAction]:
    """Open follow-up actions past their due date, oldest due first."""
    actions = FollowUpAction.objects.filter(
        status__in=OPEN_ACTION_STATUSES, due_date__lt=today
    ).select_related(
        "decision__agenda_item__meeting__council", "responsible", "assignee"
    )
    if council_id is not None:
        actions = actions.filter(decision__agenda_item__council_id=council_id)
    return actions.order_by("due_date", "pk")


def follow_ups_open(
    *,
    council_id: int | None = None,
    before: dt.date | None = None,
    user_id: int | None = None,
) -> QuerySet[FollowUpAction]:
    """Open and in-progress follow-ups, soonest due first: of a council, of
    decisions before a day (the next meeting's pack), or of one person."""
    actions = FollowUpAction.objects.filter(
        status__in=OPEN_ACTION_STATUSES
    ).select_related(
        "decision__agenda_item__meeting__council", "responsible", "assignee"
    )
    if council_id is not None:
        actions = actions.filter(decision__agenda_item__council_id=council_id)
    if before is not None:
        actions = actions.filter(decision__decided_on__lt=before)
    if user_id is not None:
        actions = actions.filter(assignee_id=user_id)
    return actions.order_by("due_date", "pk")


def meeting_last_before(*, day: dt.date) -> Meeting | None:
    """The newest meeting of any council before this day, with its council."""
    return (
        Meeting.objects.filter(date__lt=day).select_related("council").order_by("-date")
    ).first()


def council_list() -> QuerySet[Council]:
    return Council.objects.annotate(meeting_count=Count("meetings")).order_by(
        "level", "name_nb"
    )


def council_get(*, slug: str) -> Council:
    return get_object_or_404(Council, slug=slug)


def council_page(*, council: Council, today: dt.date) -> dict:
    """Members, upcoming and past meetings, and overdue follow-ups of a council."""
    meetings = council.meetings.annotate(item_count=Count("agenda_items"))
    return {
        "members": council.memberships.select_related("organisation").order_by(
            "role", "person_name"
        ),
        "upcoming": meetings.filter(date__gte=today).order_by("date"),
        "past": meetings.filter(date__lt=today).order_by("-date"),
        "open_actions": follow_ups_open(council_id=council.pk),
        "today": today,
    }


def meeting_get(*, pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("council"), pk=pk)


def meeting_agenda(*, meeting: Meeting) -> QuerySet[AgendaItem]:
    """The agenda with every link, decision and action in a fixed number of queries."""
    return meeting.agenda_items.order_by("number").prefetch_related(
        "goals",
        "indicators",
        "initiatives",
        "deliveries__initiative",
        "attachments",
        Prefetch(
            "decisions",
            queryset=Decision.objects.order_by("decided_on").prefetch_related(
                Prefetch(
                    "actions",
                    queryset=FollowUpAction.objects.select_related(
                        "responsible", "assignee"
                    ),
                ),
                "amendments",
            ),
        ),
    )


def agenda_item_get(*, pk: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting__council"), pk=pk
    )


def follow_up_get(*, pk: int) -> FollowUpAction:
    return get_object_or_404(
        FollowUpAction.objects.select_related(
            "decision__agenda_item__meeting__council", "responsible", "assignee"
        ),
        pk=pk,
    )


def decision_get(*, pk: int) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("agenda_item__meeting__council"), pk=pk
    )
