import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Organisation, User
from core.selectors import membership_candidates
from core.uploads import document_check
from core.upsert import UpsertCounts, upsert
from strategy.seed import SeedCouncil

from .models import (
    ActionStatus,
    AgendaItem,
    AgendaItemAttachment,
    Council,
    Decision,
    DecisionAmendment,
    FollowUpAction,
    Meeting,
    MeetingPackPdf,
    MeetingSnapshot,
    MeetingStatus,
    Membership,
    PackPdfStatus,
)
from .pack import content_hash, meeting_pack_content
from .pdf import pack_pdf_bytes


def councils_load_from_seed(
    *, councils: list[SeedCouncil], counts: UpsertCounts
) -> None:
    """Create or update the councils of the council model, matched by slug."""
    for council in councils:
        upsert(
            Council,
            lookup={"slug": council.slug},
            values={
                "name_nb": council.name_nb,
                "name_en": council.name_en,
                "level": council.level,
                "mandate_nb": council.mandate_nb,
                "sources": council.sources,
            },
            counts=counts,
        )


class CouncilRuleError(ValueError):
    """A council workflow rule refused the change; nothing was written."""


class MinutesLocked(CouncilRuleError):
    """The meeting's minutes are approved: record an amendment instead."""


# Meetings only move forward: planned → held → minutes approved.
MEETING_STATUS_ORDER: list[str] = [
    MeetingStatus.PLANNED,
    MeetingStatus.HELD,
    MeetingStatus.MINUTES_APPROVED,
]


def _ensure_unlocked(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.MINUTES_APPROVED:
        raise MinutesLocked(_("The minutes of this meeting are approved and locked."))


def meeting_create(
    *, council: Council, date: dt.date, title: str, place: str = ""
) -> Meeting:
    """Plan a meeting of a council."""
    meeting = Meeting(council=council, date=date, title=title.strip(), place=place)
    meeting.full_clean()
    meeting.save()
    return meeting


def meeting_status_set(*, meeting: Meeting, status: str) -> Meeting:
    """Move a meeting forward; approving the minutes locks them."""
    with transaction.atomic():
        # Lock the row: two secretaries must not approve and edit at once.
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        current = MEETING_STATUS_ORDER.index(meeting.status)
        wanted = MEETING_STATUS_ORDER.index(MeetingStatus(status))
        if wanted < current:
            raise CouncilRuleError(_("A meeting's status cannot go back."))
        if (
            status == MeetingStatus.MINUTES_APPROVED
            and timezone.localdate() < meeting.date
        ):
            raise CouncilRuleError(
                _("The minutes cannot be approved before the meeting has been held.")
            )
        meeting.status = status
        meeting.save(update_fields=["status"])
    return meeting


def agenda_item_next_number(*, meeting: Meeting) -> tuple[int, int]:
    """The (year, number) the meeting's next sak takes; call inside a transaction."""
    _ensure_unlocked(meeting)
    # Lock the council row: two items added at once must not take one number.
    Council.objects.select_for_update().get(pk=meeting.council_id)
    year = meeting.date.year
    last = (
        AgendaItem.objects.filter(council_id=meeting.council_id, year=year)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return year, (last or 0) + 1


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    kind: str,
    presenter: str = "",
    description: str = "",
    goals: Iterable = (),
    indicators: Iterable = (),
    initiatives: Iterable = (),
    deliveries: Iterable = (),
) -> AgendaItem:
    """Add a sak, numbered per council and year (``12/26``)."""
    year, number = agenda_item_next_number(meeting=meeting)
    item = AgendaItem(
        meeting=meeting,
        council_id=meeting.council_id,
        year=year,
        number=number,
        title=title.strip(),
        kind=kind,
        presenter=presenter,
        description=description,
    )
    item.full_clean()
    item.save()
    item.goals.set(goals)
    item.indicators.set(indicators)
    item.initiatives.set(initiatives)
    item.deliveries.set(deliveries)
    return item


def decision_record(
    *,
    agenda_item: AgendaItem,
    text: str,
    decided_on: dt.date,
    based_on: MeetingSnapshot | None = None,
) -> Decision:
    """Record the council's decision on a sak (refused once minutes are locked)."""
    _ensure_unlocked(agenda_item.meeting)
    if based_on is not None and based_on.meeting_id != agenda_item.meeting_id:
        raise CouncilRuleError(
            _("A decision can only rest on its own meeting's frozen pack.")
        )
    decision = Decision(
        agenda_item=agenda_item,
        text=text.strip(),
        decided_on=decided_on,
        based_on=based_on,
    )
    decision.full_clean()
    decision.save()
    return decision


def decision_update(*, decision: Decision, text: str) -> Decision:
    """Correct a decision's text while the minutes are still open."""
    _ensure_unlocked(decision.agenda_item.meeting)
    decision.text = text.strip()
    decision.full_clean()
    decision.save(update_fields=["text"])
    return decision


def decision_amend(
    *, decision: Decision, text: str, reason: str, user: User
) -> DecisionAmendment:
    """After approved minutes a decision changes only by a recorded amendment."""
    if not reason.strip():
        raise CouncilRuleError(_("An amendment needs a reason."))
    amendment = DecisionAmendment(
        decision=decision, text=text.strip(), reason=reason.strip(), made_by=user
    )
    amendment.full_clean()
    amendment.save()
    return amendment


def follow_up_add(
    *,
    decision: Decision,
    description: str,
    due_date: dt.date,
    responsible: Organisation | None = None,
    assignee: User | None = None,
) -> FollowUpAction:
    """Give a decision a follow-up, owned by an organisation and/or a person."""
    if responsible is None and assignee is None:
        raise CouncilRuleError(
            _("Name the responsible organisation, the responsible person or both.")
        )
    if due_date < decision.decided_on:
        raise CouncilRuleError(
            _("The due date cannot be before the decision (%(day)s).")
            % {"day": f"{decision.decided_on:%d.%m.%Y}"}
        )
    action = FollowUpAction(
        decision=decision,
        description=description.strip(),
        responsible=responsible,
        assignee=assignee,
        due_date=due_date,
    )
    action.full_clean()
    action.save()
    return action


def follow_up_status_set(
    *, action: FollowUpAction, status: str, note: str = ""
) -> FollowUpAction:
    """Move a follow-up to open, in progress, done or cancelled, with a note.

    Done and cancelled need a note: the council reads why it was closed.
    """
    status = ActionStatus(status)
    note = note.strip()
    if status in (ActionStatus.DONE, ActionStatus.CANCELLED) and not note:
        raise CouncilRuleError(
            _("Say in a note what was done, or why it was cancelled.")
        )
    action.status = status
    action.status_note = note
    action.save(update_fields=["status", "status_note"])
    return action


@transaction.atomic
def membership_add(
    *,
    council: Council,
    role: str,
    person_name: str = "",
    organisation: Organisation | None = None,
    user: User | None = None,
) -> Membership:
    """Add a member, linked to a login that already reads the council's pages.

    Adding a member grants no role: only an administrator grants roles. A login
    that is not a ``membership_candidates`` account (no suitable role, an
    administrator, an API key) is refused.
    """
    if user is not None and not membership_candidates().filter(pk=user.pk).exists():
        raise ValidationError(
            {
                "user": _(
                    "This login cannot be a council member: it needs the role "
                    "Rådsmedlem, Sekretariat or Godkjenner from an administrator, "
                    "and may not be an administrator's or an API key's."
                )
            }
        )
    if not person_name.strip() and user is not None:
        person_name = user.get_full_name() or user.get_username()
    membership = Membership(
        council=council,
        person_name=person_name.strip(),
        role=role,
        organisation=organisation,
        user=user,
    )
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def meeting_pack_freeze(*, meeting: Meeting, user: User) -> MeetingSnapshot:
    """Freeze what the council sees for this meeting: figures with a content hash.

    Freezing again makes a new snapshot; earlier ones stay as evidence. Once
    the minutes are approved the pack is what the council saw: no new one.
    """
    # Read the status under a lock: minutes approved meanwhile must win.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.MINUTES_APPROVED:
        raise MinutesLocked(
            _("The minutes are approved: the pack cannot be frozen again.")
        )
    content = meeting_pack_content(meeting=meeting, as_of=timezone.localdate())
    return MeetingSnapshot.objects.create(
        meeting=meeting,
        frozen_at=timezone.now(),
        frozen_by=user,
        content=content,
        content_hash=content_hash(content),
    )


def meeting_pack_pdf_request(*, snapshot: MeetingSnapshot) -> MeetingPackPdf:
    """Queue the PDF of a frozen pack (once); the task makes it after commit."""
    # The task calls back into this module: imported where it is used.
    from .tasks import meeting_pack_pdf_task

    with transaction.atomic():
        pdf, created = MeetingPackPdf.objects.get_or_create(snapshot=snapshot)
        if created or pdf.status == PackPdfStatus.FAILED:
            pdf.status = PackPdfStatus.PENDING
            pdf.error = ""
            pdf.save(update_fields=["status", "error"])
            transaction.on_commit(lambda: meeting_pack_pdf_task.delay(snapshot.pk))
    return pdf


def meeting_pack_pdf_make(*, snapshot_id: int) -> MeetingPackPdf:
    """Render the PDF of a frozen pack; idempotent (a ready PDF is kept)."""
    pdf, _created = MeetingPackPdf.objects.get_or_create(snapshot_id=snapshot_id)
    if pdf.status == PackPdfStatus.READY:
        return pdf
    pdf.pdf = pack_pdf_bytes(snapshot=pdf.snapshot)
    pdf.status = PackPdfStatus.READY
    pdf.finished_at = timezone.now()
    pdf.save(update_fields=["pdf", "status", "finished_at"])
    return pdf


def attachment_add(
    *, agenda_item: AgendaItem, upload: UploadedFile, user: User
) -> AgendaItemAttachment:
    """Attach a checked document to a case (refused once minutes are locked)."""
    _ensure_unlocked(agenda_item.meeting)
    document = document_check(upload, max_bytes=settings.ATTACHMENT_MAX_BYTES)
    attachment = AgendaItemAttachment(
        agenda_item=agenda_item,
        name=document.name[:200],
        content_type=document.content_type,
        size=document.size,
        uploaded_by=user,
    )
    attachment.file.save(document.name, upload, save=False)
    attachment.save()
    return attachment
