import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Council(models.Model):
    """A body of the national council model: Nasjonalt e-helseråd, NUIT, NUFA."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("level"))
    mandate_nb = models.TextField(_("mandate (Norwegian)"), blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["level", "name_nb"]

    def __str__(self) -> str:
        return self.name_nb


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    OBSERVER = "observer", _("Observer")
    SECRETARIAT = "secretariat", _("Secretariat")


class Membership(models.Model):
    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    person_name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
    )
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["council", "person_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(start_date__lte=F("end_date")),
                name="membership_start_not_after_end",
                violation_error_message=_(
                    "The end date cannot be before the start date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.council})"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    MINUTES_APPROVED = "minutes_approved", _("Minutes approved")


class Meeting(models.Model):
    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PLANNED,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values),
                name="meeting_status_valid",
                violation_error_message=_("Choose a meeting status from the list."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council} {self.date:%d.%m.%Y}: {self.title}"


class AgendaItemKind(models.TextChoices):
    ORIENTATION = "orientering", _("For information")
    DISCUSSION = "drøfting", _("For discussion")
    DECISION = "beslutning", _("For decision")


class AgendaItem(models.Model):
    """An agenda item (sak), numbered per council and year like ``12/26``."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    # The meeting's council, kept on the row so that the database can hold the
    # numbering unique per council and year.
    council = models.ForeignKey(
        Council,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=AgendaItemKind.choices)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    goals = models.ManyToManyField(
        "strategy.Goal", verbose_name=_("goals"), blank=True, related_name="+"
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator",
        verbose_name=_("indicators"),
        blank=True,
        related_name="agenda_items",
    )
    initiatives = models.ManyToManyField(
        "initiatives.Initiative",
        verbose_name=_("initiatives"),
        blank=True,
        related_name="agenda_items",
    )
    deliveries = models.ManyToManyField(
        "initiatives.Delivery",
        verbose_name=_("deliveries"),
        blank=True,
        related_name="agenda_items",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AgendaItemKind.values),
                name="agendaitem_kind_valid",
                violation_error_message=_("Choose a kind of case from the list."),
            ),
            models.UniqueConstraint(
                fields=["council", "year", "number"],
                name="agendaitem_unique_number_per_council_year",
                violation_error_message=_(
                    "This case number is already used in the council this year."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.title}"

    @property
    def case_number(self) -> str:
        """The sak number as councils write it: ``12/26``."""
        return f"{self.number}/{self.year % 100:02d}"


class MeetingSnapshot(models.Model):
    """What the council saw: figures frozen for a meeting pack, with a hash."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="snapshots",
    )
    frozen_at = models.DateTimeField(_("frozen at"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("content hash"), max_length=64)

    class Meta:
        verbose_name = _("meeting snapshot")
        verbose_name_plural = _("meeting snapshots")
        ordering = ["-frozen_at"]

    def __str__(self) -> str:
        return f"{self.meeting} @ {self.frozen_at:%Y-%m-%d %H:%M}"


class Decision(models.Model):
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    text = models.TextField(_("decision text"))
    decided_on = models.DateField(_("decided on"))
    based_on = models.ForeignKey(
        MeetingSnapshot,
        verbose_name=_("based on snapshot"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on"]

    def __str__(self) -> str:
        return f"{self.agenda_item}: {self.text[:60]}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpAction(models.Model):
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        related_name="actions",
    )
    description = models.TextField(_("description"))
    # Owned by an organisation, a person, or both (never by nobody).
    responsible = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("responsible organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_actions",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_actions",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default="open"
    )
    status_note = models.TextField(_("status note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values),
                name="followupaction_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=Q(responsible__isnull=False) | Q(assignee__isnull=False),
                name="followupaction_has_an_owner",
                violation_error_message=_(
                    "Name the responsible organisation, the responsible person or both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description[:60]} ({self.due_date:%d.%m.%Y})"

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    def is_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.due_date < today

    @property
    def owner_text(self) -> str:
        """Who answers for it: the organisation and/or the person."""
        parts = [str(self.responsible)] if self.responsible else []
        if self.assignee:
            parts.append(self.assignee.get_full_name() or self.assignee.username)
        return " / ".join(parts)


class DecisionAmendment(models.Model):
    """A recorded change to a decision after the minutes were approved."""

    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    text = models.TextField(_("amended text"))
    reason = models.TextField(_("reason"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision amendment")
        verbose_name_plural = _("decision amendments")
        ordering = ["decision", "made_at"]

    def __str__(self) -> str:
        return f"{self.decision}: {self.reason[:60]}"


class PackPdfStatus(models.TextChoices):
    PENDING = "pending", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class MeetingPackPdf(models.Model):
    """The PDF of a frozen pack, made by a Celery task from the same content."""

    snapshot = models.OneToOneField(
        MeetingSnapshot,
        verbose_name=_("meeting snapshot"),
        on_delete=models.CASCADE,
        related_name="pdf",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PackPdfStatus.choices,
        default=PackPdfStatus.PENDING,
    )
    pdf = models.BinaryField(_("PDF"), blank=True, default=b"")
    error = models.TextField(_("error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting pack PDF")
        verbose_name_plural = _("meeting pack PDFs")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PackPdfStatus.values),
                name="meetingpackpdf_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} ({self.get_status_display()})"


def _attachment_path(instance, filename: str) -> str:
    # A random name on disk: the original name is kept in the row only.
    return f"attachments/{instance.agenda_item_id}/{uuid.uuid4().hex}"


class AgendaItemAttachment(models.Model):
    """A document attached to a case (saksdokument)."""

    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=_attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["agenda_item", "uploaded_at"]

    def __str__(self) -> str:
        return self.name
