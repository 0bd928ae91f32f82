from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators import progress


class ProgressStatus(models.TextChoices):
    """The statuses of the progress method (ARCHITECTURE.md §4) as model choices.

    The values are ``indicators.progress``'s: that module is pure (no Django)
    and sits below every app, so every layer can use the one vocabulary.
    """

    TARGET_ACHIEVED = progress.TARGET_ACHIEVED, _("Target achieved")
    SUBSTANTIAL_PROGRESS = progress.SUBSTANTIAL, _("Good progress")
    MODERATE_PROGRESS = progress.MODERATE, _("Progress – must be strengthened")
    LIMITED_PROGRESS = progress.LIMITED, _("Limited progress")
    DETERIORATION = progress.DETERIORATION, _("Negative development")
    NOT_AVAILABLE = progress.NOT_AVAILABLE, _("Cannot be assessed")


class Strategy(models.Model):
    """The national e-health strategy itself (one per strategy period)."""

    title_nb = models.CharField(_("title (Norwegian)"), max_length=300)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    vision_nb = models.TextField(_("vision (Norwegian)"), blank=True)
    overarching_goals_nb = models.JSONField(
        _("overarching goals (Norwegian)"), default=list, blank=True
    )
    owner = models.CharField(_("owner"), max_length=300, blank=True)
    document_version = models.CharField(_("document version"), max_length=200)
    sources = models.JSONField(_("sources"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.UniqueConstraint(
                fields=["start_year", "end_year"], name="strategy_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(start_year__lt=F("end_year")),
                name="strategy_start_before_end",
                violation_error_message=_(
                    "The first year must be before the last year."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title_nb} {self.start_year}–{self.end_year}"


class GoalKind(models.TextChoices):
    DIRECT_BENEFIT = "direct_benefit", _("Direct benefit")
    ENABLING = "enabling", _("Enabling")


class Goal(models.Model):
    """A strategic goal (strategisk mål), M1–M5."""

    strategy = models.ForeignKey(
        Strategy,
        verbose_name=_("strategy"),
        on_delete=models.PROTECT,
        related_name="goals",
    )
    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^M[1-9]$", _("Use a code like M1."))],
    )
    title_nb = models.CharField(_("title (Norwegian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_nb = models.TextField(_("description (Norwegian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=GoalKind.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    strategy_version = models.CharField(
        _("strategy version of the text"), max_length=200
    )
    sources = models.JSONField(_("sources"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=GoalKind.values),
                name="goal_kind_valid",
                violation_error_message=_("Choose a kind of goal from the list."),
            ),
            models.UniqueConstraint(
                fields=["strategy", "order"], name="goal_unique_order_per_strategy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_nb}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:overview") + f"#{self.code}"


class SubGoal(models.Model):
    """A sub-goal (delmål) such as 1A.

    Codes may change between strategy and roadmap versions, so a code is unique
    only within the version it comes from.
    """

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="sub_goals"
    )
    code = models.CharField(
        _("code"),
        max_length=8,
        validators=[RegexValidator(r"^[1-9][A-Z]$", _("Use a code like 1A."))],
    )
    title_nb = models.CharField(_("title (Norwegian)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    order = models.PositiveSmallIntegerField(_("order"))
    strategy_version = models.CharField(_("strategy version"), max_length=200)
    sources = models.JSONField(_("sources"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sub-goal")
        verbose_name_plural = _("sub-goals")
        ordering = ["goal__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "strategy_version"],
                name="subgoal_unique_code_per_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title_nb}"


class PlanVersion(models.Model):
    """A version of the realization plan; a council decision may create one."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.ForeignKey(
        "councils.Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_versions",
    )
    summary = models.TextField(_("summary"), blank=True)
    content = models.JSONField(_("content"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return _("Plan version %(number)s") % {"number": self.number}


class GoalProgress(models.Model):
    """A goal's roll-up of its indicators' progress, as of a date."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="progress"
    )
    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"))
    inputs_fingerprint = models.CharField(_("inputs fingerprint"), max_length=64)
    status = models.CharField(
        _("status"), max_length=30, choices=ProgressStatus.choices
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    counts = models.JSONField(_("counts per status"), default=dict, blank=True)

    class Meta:
        verbose_name = _("goal progress")
        verbose_name_plural = _("goal progress")
        ordering = ["goal", "-as_of", "-computed_at"]
        indexes = [
            models.Index(
                fields=["goal", "as_of", "computed_at"], name="goalprogress_asof_idx"
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=-5, score__lte=5),
                name="goalprogress_score_in_range",
                violation_error_message=_("The score must lie between −5 and 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal.code} {self.as_of}: {self.get_status_display()}"
