from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .roadmap import KIND_LABELS


class RoadmapPhase(models.Model):
    """A step in the roadmap's value chain (Konsept / mandat … Ny praksis i bruk)."""

    order = models.PositiveSmallIntegerField(_("order"), unique=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=100, unique=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)

    class Meta:
        verbose_name = _("roadmap phase")
        verbose_name_plural = _("roadmap phases")
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.order}. {self.name_nb}"


class Initiative(models.Model):
    """A strategic initiative (strategisk initiativ): the roadmap's grouping."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    sub_goal = models.ForeignKey(
        "strategy.SubGoal",
        verbose_name=_("sub-goal"),
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    description_nb = models.TextField(_("description (Norwegian)"), blank=True)
    responsible = models.ManyToManyField(
        "core.Organisation",
        verbose_name=_("responsible organisations"),
        blank=True,
        related_name="initiatives",
    )
    # Besides its own sub-goal, an initiative may serve other goals and sub-goals.
    linked_goals = models.ManyToManyField(
        "strategy.Goal",
        verbose_name=_("also contributes to goals"),
        blank=True,
        related_name="linked_initiatives",
    )
    linked_sub_goals = models.ManyToManyField(
        "strategy.SubGoal",
        verbose_name=_("also contributes to sub-goals"),
        blank=True,
        related_name="linked_initiatives",
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator",
        verbose_name=_("indicators it should move"),
        through="IndicatorContribution",
        blank=True,
        related_name="initiatives",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Set by council decisions through plan versions (1 is the highest).
    priority = models.PositiveSmallIntegerField(
        _("priority"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    sources = models.JSONField(_("sources"), default=list, blank=True)

    history = HistoricalRecords(
        m2m_fields=[responsible, linked_goals, linked_sub_goals]
    )

    class Meta:
        verbose_name = _("strategic initiative")
        verbose_name_plural = _("strategic initiatives")
        ordering = ["sub_goal__goal__order", "sub_goal__order", "order"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_nb}"

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", args=[self.code])


class IndicatorContribution(models.Model):
    """A contribution link: the initiative is meant to move this indicator."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution to an indicator")
        verbose_name_plural = _("contributions to indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "indicator"],
                name="contribution_one_per_initiative_indicator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} → {self.indicator_id}"


class PlanningStatus(models.TextChoices):
    PLANNED = "Planlagt", _("Planned")
    TENTATIVE = "Tentativ", _("Tentative")


class Delivery(models.Model):
    """A roadmap delivery (leveranse), matched across roadmap versions by its ID."""

    roadmap_id = models.CharField(_("roadmap ID"), max_length=40, unique=True)
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    sub_goal = models.ForeignKey(
        "strategy.SubGoal",
        verbose_name=_("sub-goal"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    name = models.CharField(_("name"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    # Kept exactly as the roadmap gives it ("Tilpasning - innføring", "I bruk", …).
    phase = models.CharField(_("roadmap phase"), max_length=100, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    planning_status = models.CharField(
        _("planning status"), max_length=10, choices=PlanningStatus.choices
    )
    version = models.CharField(_("roadmap version"), max_length=20)
    removed_in_version = models.CharField(
        _("removed in roadmap version"), max_length=20, blank=True
    )
    # The published 2026-08 list has three deliveries that end before they
    # start. The roadmap is the source of truth, so the import keeps such dates
    # and says so here; nothing else may store them.
    end_before_start_as_published = models.BooleanField(
        _("end before start, as published"), default=False
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["sub_goal__goal__order", "sub_goal__order", "start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(start_date__lte=F("end_date"))
                | Q(end_before_start_as_published=True),
                name="delivery_start_not_after_end",
                violation_error_message=_(
                    "The end date cannot be before the start date."
                ),
            ),
            models.CheckConstraint(
                condition=Q(planning_status__in=PlanningStatus.values),
                name="delivery_planning_status_valid",
                violation_error_message=_("Choose a planning status from the list."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoadmapImport(models.Model):
    """One committed import of a roadmap version, with the file as imported."""

    version = models.CharField(_("roadmap version"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    content = models.TextField(_("file content"))
    delivery_count = models.PositiveIntegerField(_("deliveries in the file"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("roadmap import")
        verbose_name_plural = _("roadmap imports")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} ({self.imported_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("initiatives:roadmap_import_detail", args=[self.pk])


class ChangeKind(models.TextChoices):
    # The labels are roadmap.KIND_LABELS.
    ADDED = "added", KIND_LABELS["added"]
    CHANGED = "changed", KIND_LABELS["changed"]
    REMOVED = "removed", KIND_LABELS["removed"]
    RESTORED = "restored", KIND_LABELS["restored"]


class DeliveryChange(models.Model):
    """What one import changed in one delivery (one row per changed field)."""

    roadmap_import = models.ForeignKey(
        RoadmapImport,
        verbose_name=_("roadmap import"),
        on_delete=models.PROTECT,
        related_name="changes",
    )
    delivery = models.ForeignKey(
        Delivery,
        verbose_name=_("delivery"),
        on_delete=models.PROTECT,
        related_name="changes",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ChangeKind.choices)
    field = models.CharField(_("field"), max_length=40, blank=True)
    old_value = models.TextField(_("old value"), blank=True)
    new_value = models.TextField(_("new value"), blank=True)

    class Meta:
        verbose_name = _("delivery change")
        verbose_name_plural = _("delivery changes")
        ordering = ["roadmap_import", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ChangeKind.values),
                name="deliverychange_kind_valid",
                violation_error_message=_("Choose a kind of change from the list."),
            ),
            models.CheckConstraint(
                condition=Q(kind="changed", field__gt="") | ~Q(kind="changed"),
                name="deliverychange_changed_names_field",
                violation_error_message=_(
                    "A changed delivery must name the field that changed."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.kind} {self.field}".strip()


class Rag(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class StatusReport(models.Model):
    """A measure owner's status report on an initiative for a reporting period."""

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.PROTECT,
        related_name="status_reports",
    )
    period = models.CharField(
        _("reporting period"), max_length=10, help_text=_("E.g. 2026-T2.")
    )
    rag = models.CharField(_("status (RAG)"), max_length=5, choices=Rag.choices)
    narrative = models.TextField(_("narrative"))
    risks = models.TextField(_("risks"), blank=True)
    next_milestones = models.TextField(_("next milestones"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["initiative", "-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "period"],
                name="statusreport_one_per_initiative_period",
                violation_error_message=_(
                    "This initiative already has a status report for this period."
                ),
            ),
            models.CheckConstraint(
                condition=Q(rag__in=Rag.values),
                name="statusreport_rag_valid",
                violation_error_message=_("Choose a status: green, amber or red."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} {self.period}: {self.get_rag_display()}"
