"""What is due, and for whom: the items the reminders and notices are about.

Each item names its object, its due step and its recipients (an address, and
the account when it is a person's). Read only; ``notifications.services``
records and sends. The same items feed the "my tasks" page.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.models import User
from core.roles import Role
from core.security_report import security_report
from core.texts import code_and_name
from councils.models import Meeting, MeetingSnapshot, Membership
from councils.selectors import follow_ups_open
from indicators.models import Indicator, ValueStatus
from indicators.parsing import period_label
from indicators.selectors import expected_period, pending_values
from initiatives.models import Initiative
from initiatives.rules import report_is_overdue
from initiatives.selectors import report_interval_months

from .models import Kind


@dataclass(frozen=True)
class Recipient:
    address: str  # empty: a person with no address (their tasks page only)
    user_id: int | None = None


@dataclass
class DueItem:
    kind: str
    object_type: str
    object_id: int
    due_step: str
    line: str  # Norwegian
    line_en: str
    url: str  # a path on the site
    recipients: list[Recipient] = field(default_factory=list)
    organisation_ids: list[int] = field(default_factory=list)


def _both(text_of) -> tuple[str, str]:
    """The same text in Norwegian and in English."""
    with translation.override("nb"):
        norwegian = str(text_of())
    with translation.override("en"):
        english = str(text_of())
    return norwegian, english


def _organisation_recipients(organisations) -> list[Recipient]:
    return [
        Recipient(address)
        for organisation in organisations
        for address in organisation.contact_emails
    ]


def values_due(*, today: dt.date, unaddressed: bool = False) -> list[DueItem]:
    """Indicators whose next value is due soon ("before") or overdue ("after"),
    for their owner organisation (with ``unaddressed``, also those that have
    no owner or no address: the secretariat's tasks). One query."""
    soon = today + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    counted = Q(values__status__in=[ValueStatus.SUBMITTED, ValueStatus.APPROVED])
    indicators = Indicator.objects.all()
    if not unaddressed:
        indicators = indicators.filter(owner__isnull=False, owner__is_active=True)
    indicators = (
        indicators.select_related("owner")
        .annotate(newest=Max("values__period_start", filter=counted))
        .order_by("code")
    )
    items = []
    for indicator in indicators:
        owners = [indicator.owner] if indicator.owner else []
        recipients = _organisation_recipients(owners)
        if not recipients and not unaddressed:
            continue
        late = expected_period(frequency=indicator.frequency, today=today)
        next_due = expected_period(frequency=indicator.frequency, today=soon)
        newest = indicator.newest
        if newest is None or newest < late:
            step, period = "after", late
        elif newest < next_due:
            step, period = "before", next_due
        else:
            continue
        label = period_label(period, indicator.frequency)

        def text(step=step, label=label, indicator=indicator):
            if step == "after":
                return _(
                    "The value of %(code)s %(name)s for %(period)s is overdue."
                ) % {
                    "code": indicator.code,
                    "name": indicator.name_nb,
                    "period": label,
                }
            return _("The value of %(code)s %(name)s for %(period)s is due soon.") % {
                "code": indicator.code,
                "name": indicator.name_nb,
                "period": label,
            }

        line, line_en = _both(text)
        items.append(
            DueItem(
                Kind.VALUE_DUE,
                "indicator",
                indicator.pk,
                f"{step}:{label}",
                line,
                line_en,
                indicator.get_absolute_url(),
                recipients,
                [o.pk for o in owners],
            )
        )
    return items


def _people_with_role(role: Role):
    return User.objects.filter(
        is_active=True, groups__name=role.value, api_keys__isnull=True
    )


def approvals_waiting(*, today: dt.date) -> list[DueItem]:
    """Each value waiting for approval, for every approver but its enterer
    (batched into one message per approver when sent). Two queries."""
    approvers = list(_people_with_role(Role.APPROVER).distinct())
    items = []
    waiting = pending_values().select_related("indicator").order_by("entered_at")
    url = reverse("indicators:approvals")
    for value in waiting:
        recipients = [
            Recipient(a.email, a.pk) for a in approvers if a.pk != value.entered_by_id
        ]
        if not recipients:
            continue
        label = period_label(value.period_start, value.indicator.frequency)

        def text(value=value, label=label):
            return _("%(code)s %(period)s: %(value)s waits for approval.") % {
                "code": value.indicator.code,
                "period": label,
                "value": value.value.normalize(),
            }

        line, line_en = _both(text)
        items.append(
            DueItem(
                Kind.APPROVALS_WAITING,
                "value",
                value.pk,
                "waiting",
                line,
                line_en,
                url,
                recipients,
            )
        )
    return items


def reports_due(*, today: dt.date, unaddressed: bool = False) -> list[DueItem]:
    """Initiatives whose status report is due soon or overdue, for their
    responsible organisations. Two queries."""
    interval = report_interval_months()
    soon = today + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    initiatives = (
        Initiative.objects.annotate(last=Max("status_reports__reported_at"))
        .prefetch_related("responsible")
        .order_by("code")
    )
    items = []
    for initiative in initiatives:
        owners = [o for o in initiative.responsible.all() if o.is_active]
        recipients = _organisation_recipients(owners)
        last = timezone.localdate(initiative.last) if initiative.last else None
        if (not recipients and not unaddressed) or not report_is_overdue(
            last_reported=last, today=soon, interval_months=interval
        ):
            continue
        late = report_is_overdue(
            last_reported=last, today=today, interval_months=interval
        )
        step = f"{'after' if late else 'before'}:{last.isoformat() if last else '-'}"

        def text(initiative=initiative, late=late):
            if late:
                return _("The status report of %(initiative)s is overdue.") % {
                    "initiative": code_and_name(initiative)
                }
            return _("The status report of %(initiative)s is due soon.") % {
                "initiative": code_and_name(initiative)
            }

        line, line_en = _both(text)
        items.append(
            DueItem(
                Kind.REPORT_DUE,
                "initiative",
                initiative.pk,
                step,
                line,
                line_en,
                initiative.get_absolute_url(),
                recipients,
                [o.pk for o in owners],
            )
        )
    return items


def follow_ups_due(*, today: dt.date, user_id: int | None = None) -> list[DueItem]:
    """Open follow-ups due soon or overdue, for their person and organisation."""
    soon = today + dt.timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS_BEFORE)
    items = []
    actions = follow_ups_open(user_id=user_id).filter(due_date__lte=soon)
    for action in actions:
        recipients = _organisation_recipients(
            [action.responsible] if action.responsible else []
        )
        if action.assignee and action.assignee.is_active:
            recipients.append(Recipient(action.assignee.email, action.assignee_id))
        late = action.due_date < today

        def text(action=action, late=late):
            values = {
                "case": action.decision.agenda_item.case_number,
                "action": action.description[:200],
                "day": f"{action.due_date:%d.%m.%Y}",
            }
            if late:
                return _("Follow-up of case %(case)s was due %(day)s: %(action)s") % (
                    values
                )
            return _("Follow-up of case %(case)s is due %(day)s: %(action)s") % values

        line, line_en = _both(text)
        items.append(
            DueItem(
                Kind.FOLLOW_UP_DUE,
                "follow_up",
                action.pk,
                f"{'after' if late else 'before'}:{action.due_date.isoformat()}",
                line,
                line_en,
                reverse(
                    "councils:meeting", args=[action.decision.agenda_item.meeting_id]
                ),
                recipients,
            )
        )
    return items


def packs_frozen(*, today: dt.date, snapshot_id: int | None = None) -> list[DueItem]:
    """Packs frozen lately, for the members of the meeting's council."""
    since = timezone.now() - dt.timedelta(days=settings.PACK_NOTICE_DAYS)
    frozen = MeetingSnapshot.objects.filter(frozen_at__gte=since).select_related(
        "meeting__council"
    )
    if snapshot_id is not None:
        frozen = frozen.filter(pk=snapshot_id)
    snapshots = list(frozen)
    # The members of every council concerned, in one query.
    members: dict[int, list[Recipient]] = {}
    current = Membership.objects.filter(
        council_id__in={s.meeting.council_id for s in snapshots},
        user__is_active=True,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    for membership in current.select_related("user").order_by("pk"):
        if membership.user is not None:
            members.setdefault(membership.council_id, []).append(
                Recipient(membership.user.email, membership.user_id)
            )
    items = []
    for snapshot in snapshots:
        recipients = members.get(snapshot.meeting.council_id, [])
        if not recipients:
            continue

        def text(snapshot=snapshot):
            return _("The pack for %(meeting)s is ready (PDF: %(pdf)s).") % {
                "meeting": snapshot.meeting,
                "pdf": settings.SITE_URL
                + reverse("councils:pack_pdf", args=[snapshot.pk]),
            }

        line, line_en = _both(text)
        items.append(
            DueItem(
                Kind.PACK_FROZEN,
                "snapshot",
                snapshot.pk,
                "frozen",
                line,
                line_en,
                reverse("councils:pack", args=[snapshot.meeting_id])
                + f"?snapshot={snapshot.pk}",
                _unique(recipients),
            )
        )
    return items


# The security report's windows a sweep looks back on: the last complete
# clock hours (a sweep runs every few minutes; a few hours' look back covers
# a worker or broker that was down meanwhile).
SECURITY_HOURS_BACK = 3


def security_alerts(*, now: dt.datetime | None = None) -> list[DueItem]:
    """Each of the last complete hours whose security report calls for a look
    (lockout bursts, key misuse, throttled authentication, cache outages,
    ownerless keys), for every administrator. A fixed number of queries."""
    now = now or timezone.now()
    hour_end = now.replace(minute=0, second=0, microsecond=0)
    administrators = [
        Recipient(user.email, user.pk)
        for user in _people_with_role(Role.ADMINISTRATOR).distinct().order_by("pk")
    ]
    if not administrators:
        return []
    items = []
    for back in range(SECURITY_HOURS_BACK):
        until = hour_end - dt.timedelta(hours=back)
        since = until - dt.timedelta(hours=1)
        report = security_report(since=since, until=until)
        if not report.alarming:
            continue

        def text(report=report, since=since, until=until):
            local_since = timezone.localtime(since)
            local_until = timezone.localtime(until)
            return _(
                "The security report for %(day)s %(start)s–%(end)s calls for a "
                "look. Lockout bursts: %(lockouts)d; key misuse: %(misuse)d; "
                "throttled sources: %(throttled)d; cache outages: %(outages)d; "
                "keys without an owner: %(ownerless)d."
            ) % {
                "day": formats.date_format(local_since.date(), "SHORT_DATE_FORMAT"),
                "start": local_since.strftime("%H:%M"),
                "end": local_until.strftime("%H:%M"),
                "lockouts": len(report.lockouts),
                "misuse": len(report.key_misuse),
                "throttled": len(report.throttled),
                "outages": report.cache_outages,
                "ownerless": len(report.keys_without_owner),
            }

        line, line_en = _both(text)
        items.append(
            DueItem(
                Kind.SECURITY_ALERT,
                "security_report",
                int(until.timestamp()) // 3600,  # the hour, counted from 1970
                f"hour:{until.isoformat()}",
                line,
                line_en,
                reverse("admin:core_authevent_changelist"),
                administrators,
            )
        )
    return items


def _unique(recipients: list[Recipient]) -> list[Recipient]:
    return list(dict.fromkeys(recipients))


def everything_due(*, today: dt.date) -> list[DueItem]:
    """Every item of every kind that is due today."""
    return [
        *values_due(today=today),
        *approvals_waiting(today=today),
        *reports_due(today=today),
        *follow_ups_due(today=today),
        *packs_frozen(today=today),
        *security_alerts(),
    ]


def meetings_to_prepare(*, today: dt.date) -> list[DueItem]:
    """Meetings in the coming month whose pack is not frozen yet."""
    meetings = (
        Meeting.objects.filter(
            date__gte=today,
            date__lte=today + dt.timedelta(days=30),
            snapshots__isnull=True,
        )
        .select_related("council")
        .order_by("date")
    )
    items = []
    for meeting in meetings:

        def text(meeting=meeting):
            return _("Prepare %(meeting)s: the pack is not frozen yet.") % {
                "meeting": meeting
            }

        line, line_en = _both(text)
        items.append(
            DueItem(
                "meeting",
                "meeting",
                meeting.pk,
                "prepare",
                line,
                line_en,
                reverse("councils:meeting", args=[meeting.pk]),
            )
        )
    return items


def tasks_for(*, user: User, roles: frozenset[str], today: dt.date) -> list[DueItem]:
    """What waits for this person: the items their notifications are about
    (addressed to them or to their organisation), and for the secretariat
    every value, report and follow-up due and the meetings to prepare."""
    secretariat = Role.SECRETARIAT.value in roles
    items = [
        *values_due(today=today, unaddressed=secretariat),
        *reports_due(today=today, unaddressed=secretariat),
        *follow_ups_due(today=today),
    ]
    mine = [
        item
        for item in items
        if secretariat
        or any(r.user_id == user.pk for r in item.recipients)
        or (user.organisation_id and user.organisation_id in item.organisation_ids)
    ]
    if Role.APPROVER.value in roles:
        mine += [
            item
            for item in approvals_waiting(today=today)
            if any(r.user_id == user.pk for r in item.recipients)
        ]
    mine += [
        item
        for item in packs_frozen(today=today)
        if any(r.user_id == user.pk for r in item.recipients)
    ]
    if secretariat:
        mine += meetings_to_prepare(today=today)
    return mine
