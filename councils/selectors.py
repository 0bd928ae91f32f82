import datetime as dt

from django.db.models import QuerySet

from .models import ActionStatus, FollowUpAction

OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def follow_ups_overdue(
    *, today: dt.date, council_id: int | None = None
) -> QuerySet[FollowUpAction]:
    """Open follow-up actions past their due date, oldest due first."""
    actions = FollowUpAction.objects.filter(
        status__in=OPEN_ACTION_STATUSES, due_date__lt=today
    ).select_related("decision__agenda_item__meeting__council", "responsible")
    if council_id is not None:
        actions = actions.filter(decision__agenda_item__council_id=council_id)
    return actions.order_by("due_date", "pk")
