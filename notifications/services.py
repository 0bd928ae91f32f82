"""Record what is due for whom once, and send it: idempotent, lossless.

A sweep writes one ``SentNotification`` per (kind, object, recipient, due
step), ignoring rows that exist, then sends what is pending: per recipient one
message per kind (approvals: one message per approver per run, not one per
value). A message is marked sent in the transaction that sent it, with its
rows locked, so two workers never send it twice; when the SMTP server fails
the rows stay pending and the next sweep sends them.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .due import DueItem, everything_due, packs_frozen
from .models import (
    MANDATORY_KINDS,
    Delivery,
    Kind,
    NotificationPreference,
    SentNotification,
    SentStatus,
)


@dataclass
class SweepResult:
    recorded: int = 0
    messages: list[tuple[str, str]] = field(default_factory=list)  # (to, subject)


def preference_for(*, user_id: int | None, kind: str, preferences: dict) -> str:
    """A person's choice for a kind; organisations' addresses get everything."""
    if user_id is None:
        return Delivery.IMMEDIATELY
    chosen = preferences.get((user_id, kind), Delivery.IMMEDIATELY)
    if chosen == Delivery.OFF and kind in MANDATORY_KINDS:
        return Delivery.IMMEDIATELY
    return chosen


def notifications_record(*, items: list[DueItem]) -> int:
    """Write a row for each recipient of each item not yet recorded."""
    user_ids = {r.user_id for item in items for r in item.recipients if r.user_id}
    preferences = {
        (p.user_id, p.kind): p.delivery
        for p in NotificationPreference.objects.filter(user_id__in=user_ids)
    }
    rows = []
    for item in items:
        for recipient in item.recipients:
            if not recipient.address:
                continue
            delivery = preference_for(
                user_id=recipient.user_id, kind=item.kind, preferences=preferences
            )
            rows.append(
                SentNotification(
                    kind=item.kind,
                    object_type=item.object_type,
                    object_id=item.object_id,
                    recipient=recipient.address,
                    due_step=item.due_step,
                    user_id=recipient.user_id,
                    delivery=delivery,
                    status=SentStatus.SKIPPED
                    if delivery == Delivery.OFF
                    else SentStatus.PENDING,
                    line=item.line[:500],
                    line_en=item.line_en[:500],
                    url=item.url[:300],
                )
            )
    before = SentNotification.objects.count()
    # The unique key makes a repeated sweep (or two at once) write nothing new.
    SentNotification.objects.bulk_create(rows, ignore_conflicts=True)
    return SentNotification.objects.count() - before


def notifications_sweep(
    *, today: dt.date | None = None, digest: bool = False
) -> SweepResult:
    """What the beat job and ``send_reminders`` run: record what is due, then
    send what is pending (with ``digest``, the daily digests too)."""
    today = today or timezone.localdate()
    result = SweepResult(
        recorded=notifications_record(items=everything_due(today=today))
    )
    result.messages = notifications_send(digest=digest)
    return result


def pack_frozen_notify(*, snapshot_id: int) -> SweepResult:
    """Tell the council at once that its pack is frozen (the sweep would too)."""
    items = packs_frozen(today=timezone.localdate(), snapshot_id=snapshot_id)
    result = SweepResult(recorded=notifications_record(items=items))
    result.messages = notifications_send(digest=False)
    return result


def notifications_due_preview(*, today: dt.date | None = None) -> list[tuple[str, str]]:
    """What a sweep would send now, without writing or sending anything:
    (recipient, line) pairs of items not yet recorded, and pending rows."""
    today = today or timezone.localdate()
    known = set(
        SentNotification.objects.values_list(
            "kind", "object_type", "object_id", "recipient", "due_step"
        )
    )
    lines = [
        (recipient.address, item.line)
        for item in everything_due(today=today)
        for recipient in item.recipients
        if recipient.address
        and (
            item.kind,
            item.object_type,
            item.object_id,
            recipient.address,
            item.due_step,
        )
        not in known
    ]
    pending = SentNotification.objects.filter(
        status=SentStatus.PENDING, delivery=Delivery.IMMEDIATELY
    )
    lines += [(row.recipient, row.line) for row in pending.order_by("pk")]
    return lines


def _pending(digest: bool) -> QuerySet[SentNotification]:
    deliveries = (
        [Delivery.IMMEDIATELY, Delivery.DIGEST] if digest else [Delivery.IMMEDIATELY]
    )
    return SentNotification.objects.filter(
        status=SentStatus.PENDING, delivery__in=deliveries
    )


def notifications_send(*, digest: bool = False) -> list[tuple[str, str]]:
    """Send every pending message; returns (to, subject) of those sent.

    Raises the SMTP error after marking the attempt: the caller (a task)
    retries a bounded number of times, and the next sweep sends it anyway.
    """
    groups: dict[tuple, list[int]] = defaultdict(list)
    for pk, recipient, kind, delivery in _pending(digest).values_list(
        "pk", "recipient", "kind", "delivery"
    ):
        # Immediate ones: a message per kind; a digest: one for everything.
        key = (recipient, kind if delivery == Delivery.IMMEDIATELY else "digest")
        groups[key].append(pk)
    sent = []
    # Opened by the first message that needs it: a server that is down fails
    # that message, which counts its attempt.
    connection = get_connection(fail_silently=False)
    try:
        for (recipient, kind), ids in sorted(groups.items()):
            subject = _message_send(
                recipient=recipient, kind=kind, ids=ids, connection=connection
            )
            if subject:
                sent.append((recipient, subject))
    finally:
        connection.close()
    return sent


def _message_send(*, recipient: str, kind: str, ids: list[int], connection) -> str:
    try:
        with transaction.atomic():
            # Lock the rows: another worker's sweep skips them, never doubles.
            rows = list(
                SentNotification.objects.select_for_update(skip_locked=True)
                .filter(pk__in=ids, status=SentStatus.PENDING)
                .order_by("kind", "pk")
            )
            if not rows:
                return ""
            subject, body = message_compose(kind=kind, rows=rows)
            EmailMessage(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [recipient],
                connection=connection,
            ).send()
            SentNotification.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=SentStatus.SENT, sent_at=timezone.now()
            )
    except Exception:
        SentNotification.objects.filter(pk__in=ids, status=SentStatus.PENDING).update(
            attempts=F("attempts") + 1
        )
        raise
    return subject


def message_compose(*, kind: str, rows: list[SentNotification]) -> tuple[str, str]:
    """Subject and text of one message: Norwegian first, then English, each
    line with its link."""
    with translation.override("nb"):
        subject = _subject(kind)
        parts = [_("Hello,"), "", _intro(kind), ""]
        parts += [f"- {row.line}\n  {settings.SITE_URL}{row.url}" for row in rows]
        parts += [
            "",
            _("Choose what you are told, and how often: %(url)s")
            % {"url": f"{settings.SITE_URL}/notifications/"},
        ]
    with translation.override("en"):
        parts += ["", "-- English --", "", _intro(kind), ""]
        parts += [
            f"- {row.line_en or row.line}\n  {settings.SITE_URL}{row.url}"
            for row in rows
        ]
    return f"[e-helsestrategi] {subject}", "\n".join(parts) + "\n"


def _subject(kind: str) -> str:
    if kind == "digest":
        return str(_("Daily digest"))
    return str(Kind(kind).label)


def _intro(kind: str) -> str:
    if kind == "digest":
        return str(_("What happened in the strategy tracker since yesterday:"))
    return str(_("The strategy tracker has this for you:"))


@transaction.atomic
def preferences_set(*, user, choices: dict[str, str]) -> None:
    """Store a person's choice per kind; a mandatory kind is never off."""
    for kind, delivery in choices.items():
        Kind(kind)
        Delivery(delivery)
        if delivery == Delivery.OFF and kind in MANDATORY_KINDS:
            raise ValueError(_("This notification cannot be turned off."))
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
