import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.codes import CODE_HELP, CODE_REGEX, code_valid
from core.numbers import decimal_text
from strategy.models import ProgressStatus

from . import parsing
from .breakdowns import CODE_PATTERN as BREAKDOWN_CODE
from .breakdowns import NATIONAL


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")


class Frequency(models.TextChoices):
    ANNUAL = parsing.ANNUAL, parsing.FREQUENCY_LABELS[parsing.ANNUAL]
    QUARTERLY = parsing.QUARTERLY, parsing.FREQUENCY_LABELS[parsing.QUARTERLY]
    MONTHLY = parsing.MONTHLY, parsing.FREQUENCY_LABELS[parsing.MONTHLY]


class Unit(models.TextChoices):
    PERCENT = "percent", _("Percent")
    COUNT = "count", _("Count")
    RATE = "rate", _("Rate")
    AMOUNT = "amount", _("Amount")
    DAYS = "days", _("Days")
    OTHER = "other", _("Other")


YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
BASELINE_NEEDS_YEAR = _("A baseline value needs the year it was measured.")
BASELINE_AFTER_TARGET = _("The baseline year cannot be after the target year.")
CODE_TAKEN = _(
    "Another indicator has this code (codes that differ only in upper and lower "
    "case count as the same)."
)
# Path segments of indicators/urls.py that an indicator code would shadow.
RESERVED_CODES = frozenset({"new", "approvals", "export", "imports"})


def code_not_reserved(code: str) -> None:
    """An indicator code may not be a path segment of the indicator pages."""
    if code.lower() in RESERVED_CODES:
        raise ValidationError(
            _("“%(code)s” is reserved by the page addresses; choose another."),
            code="reserved",
            params={"code": code},
        )


def indicator_code_valid(code: str) -> None:
    """The rule of every code (``core.codes``), and not a reserved segment.

    The web form, the API and the admin all check it through the model field;
    the database refuses the rest (``indicator_code_valid`` constraint) and a
    code that differs from another only by case
    (``indicator_code_unique_ignoring_case``).
    """
    code_valid(code)
    code_not_reserved(code)


class BreakdownDimension(models.Model):
    """A way to break an indicator's values down: ``region``, ``sector`` (built
    in) or a dimension the secretariat defines, each with its code list."""

    REGION = "region"
    SECTOR = "sector"

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(f"^{BREAKDOWN_CODE}$")],
    )
    name_nb = models.CharField(_("name (Norwegian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    is_builtin = models.BooleanField(_("built in"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("breakdown dimension")
        verbose_name_plural = _("breakdown dimensions")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=f"^{BREAKDOWN_CODE}$"),
                name="breakdown_dimension_code_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class BreakdownLevel(models.TextChoices):
    """Levels of the region dimension; other dimensions have none."""

    NONE = "", _("—")
    HEALTH_REGION = "health_region", _("Health region")
    COUNTY = "county", _("County")
    MUNICIPALITY = "municipality", _("Municipality")


class BreakdownCategory(models.Model):
    """One code of a dimension's code list: a county ``03``, a health region
    ``HSØ``, a sector ``kommune``."""

    dimension = models.ForeignKey(
        BreakdownDimension,
        verbose_name=_("dimension"),
        on_delete=models.CASCADE,
        related_name="categories",
    )
    code = models.CharField(
        _("code"), max_length=40, validators=[RegexValidator(f"^{BREAKDOWN_CODE}$")]
    )
    name_nb = models.CharField(_("name (Norwegian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    level = models.CharField(
        _("level"), max_length=20, choices=BreakdownLevel.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("breakdown category")
        verbose_name_plural = _("breakdown categories")
        ordering = ["dimension", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "code"], name="breakdown_category_unique"
            ),
            models.CheckConstraint(
                condition=Q(code__regex=f"^{BREAKDOWN_CODE}$"),
                name="breakdown_category_code_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension_id}:{self.code} {self.name_nb}"


class Indicator(models.Model):
    """A target indicator (målindikator) of a strategic goal.

    None are published: the secretariat defines them. Demo indicators carry
    ``is_demo`` and are shown as "Eksempeldata" wherever they appear.
    """

    # The baseline and target: a change of these is recorded with the date it
    # applies from (IndicatorTargetChange), and plan versions keep them.
    TARGET_FIELDS = ("baseline_value", "baseline_year", "target_value", "target_year")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[indicator_code_valid],
        help_text=CODE_HELP,
    )
    goal = models.ForeignKey(
        "strategy.Goal",
        verbose_name=_("goal"),
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    name_nb = models.CharField(_("name (Norwegian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    unit_label = models.CharField(
        _("unit label"),
        max_length=40,
        blank=True,
        help_text=_("Shown after values, e.g. '%' or 'millions'."),
    )
    # Required and never defaulted: a wrong direction silently inverts status.
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(
        _("target year"), default=2030, validators=YEAR_VALIDATORS
    )
    limit = models.DecimalField(
        _("natural limit"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("E.g. 100 for a percentage."),
    )
    frequency = models.CharField(
        _("reporting frequency"), max_length=10, choices=Frequency.choices
    )
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    owner = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("owner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    threshold_overrides = models.JSONField(
        _("threshold overrides"), null=True, blank=True
    )
    # Plausibility bounds for the approver's outlier flag; not hard limits.
    expected_min = models.DecimalField(
        _("expected minimum"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    expected_max = models.DecimalField(
        _("expected maximum"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    breakdowns = models.ManyToManyField(
        BreakdownDimension,
        verbose_name=_("breakdowns"),
        blank=True,
        related_name="indicators",
        help_text=_("The dimensions its values may be broken down by."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target indicator")
        verbose_name_plural = _("target indicators")
        ordering = ["goal__order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values),
                name="indicator_direction_valid",
                violation_error_message=_("Choose a direction from the list."),
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values),
                name="indicator_frequency_valid",
                violation_error_message=_("Choose a frequency from the list."),
            ),
            models.CheckConstraint(
                condition=Q(unit__in=Unit.values),
                name="indicator_unit_valid",
                violation_error_message=_("Choose a unit from the list."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=True)
                | Q(baseline_year__isnull=False),
                name="indicator_baseline_has_year",
                violation_error_message=BASELINE_NEEDS_YEAR,
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True)
                | Q(baseline_year__lte=F("target_year")),
                name="indicator_baseline_not_after_target",
                violation_error_message=BASELINE_AFTER_TARGET,
            ),
            models.CheckConstraint(
                condition=Q(target_year__gte=2000, target_year__lte=2100),
                name="indicator_target_year_range",
                violation_error_message=_(
                    "The target year must lie between 2000 and 2100."
                ),
            ),
            # core.codes: a code that breaks page addresses cannot be stored.
            models.CheckConstraint(
                condition=Q(code__regex=CODE_REGEX) & ~Q(code__contains=".."),
                name="indicator_code_valid",
                violation_error_message=CODE_HELP,
            ),
            # DEMO-M1-1 and demo-m1-1 would be one indicator to a reader.
            models.UniqueConstraint(
                Upper("code"),
                name="indicator_code_unique_ignoring_case",
                violation_error_message=CODE_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.code} {self.name_nb}"
        return f"{label} ({_('Demo data')})" if self.is_demo else label

    def get_absolute_url(self) -> str:
        return reverse("indicators:detail", args=[self.code])

    def clean(self) -> None:
        super().clean()
        # The constraint on Upper(code) says the same, but not next to the field.
        taken = Indicator.objects.filter(code__iexact=self.code).exclude(pk=self.pk)
        if self.code and taken.exists():
            raise ValidationError({"code": CODE_TAKEN})
        # The constraints say the same, but next to no field (and a field
        # with an error here is left out of their check, so it shows once).
        if self.baseline_value is not None and self.baseline_year is None:
            raise ValidationError({"baseline_year": BASELINE_NEEDS_YEAR})
        if (
            self.baseline_year is not None
            and self.target_year is not None
            and self.baseline_year > self.target_year
        ):
            raise ValidationError({"baseline_year": BASELINE_AFTER_TARGET})
        if self.target_beyond_limit:
            raise ValidationError(
                {
                    "target_value": ValidationError(
                        _(
                            "The target %(target)s lies beyond the natural limit "
                            "%(limit)s, which the indicator cannot pass."
                        ),
                        code="beyond_limit",
                        params={
                            "target": decimal_text(self.target_value),
                            "limit": decimal_text(self.limit),
                        },
                    )
                }
            )

    @property
    def breakdown_codes(self) -> list[str]:
        """Its dimensions' codes (from the prefetched ``breakdowns`` if any)."""
        return sorted(dimension.code for dimension in self.breakdowns.all())

    @property
    def target_beyond_limit(self) -> bool:
        """The natural limit is a ceiling for an indicator that should increase
        (100 %) and a floor for one that should decrease."""
        if self.target_value is None or self.limit is None:
            return False
        if self.direction == Direction.DECREASE:
            return self.target_value < self.limit
        return self.target_value > self.limit


class IndicatorTargetChange(models.Model):
    """A recorded change of an indicator's baseline or target (who, when, why).

    The indicator row always holds the newest definition; these rows say from
    which date each definition applies, so earlier statuses stay reproducible.
    """

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="target_changes",
    )
    effective_from = models.DateField(_("effective from"))
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("target year"))
    previous = models.JSONField(_("previous definition"), default=dict)
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"))
    # The council decision that made the change (a plan adjustment), if any:
    # pages announce a change to come as "95 from 10.12.2026, decision 2/26".
    decision = models.ForeignKey(
        "councils.Decision",
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="target_changes",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("baseline or target change")
        verbose_name_plural = _("baseline and target changes")
        ordering = ["indicator", "effective_from", "changed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="target_change_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.effective_from}"


class ValueKey(NamedTuple):
    """What identifies a value: its indicator, its period and its breakdown
    (``breakdowns.breakdown_key``: ``""`` for the national figure).

    Planning, staging, imports and the API key their items by it; the staging
    COPY takes its columns from these fields.
    """

    indicator_id: int
    period_start: dt.date
    breakdown: str


@dataclass(frozen=True)
class ValueInput:
    """A value offered for recording, from a form, a file or the API."""

    indicator: Indicator
    period_start: dt.date
    value: Decimal
    comment: str = ""
    breakdown: str = NATIONAL

    @property
    def key(self) -> ValueKey:
        return ValueKey(self.indicator.pk, self.period_start, self.breakdown)


class ValueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ValueSource(models.TextChoices):
    FORM = "form", _("Form")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    DEMO = "demo", _("Demo data")


class IndicatorValue(models.Model):
    """One revision of an indicator's value for a period; never overwritten.

    A correction is a new row that ``supersedes`` the previous one. When it is
    approved, the previously approved row gets ``superseded_at`` so that what
    was official at any moment can be reconstructed.
    """

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="values",
    )
    period_start = models.DateField(_("period start"))
    # The series: breakdowns.breakdown_key of {"region": "03"}, "" = national.
    breakdown = models.CharField(
        _("breakdown"), max_length=200, blank=True, default=NATIONAL
    )
    granularity = models.CharField(
        _("granularity"), max_length=10, choices=Frequency.choices
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    status = models.CharField(
        _("status"), max_length=10, choices=ValueStatus.choices, default="draft"
    )
    source = models.CharField(_("source"), max_length=10, choices=ValueSource.choices)
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("supersedes"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    history = HistoricalRecords()
    # Who rejected a rejected revision, and when: read from its history by
    # selectors.indicator_periods (the row keeps only the reason).
    rejected_by: models.Model | None = None
    rejected_at: dt.datetime | None = None

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "period_start", "entered_at"]
        indexes = [
            models.Index(
                fields=["indicator", "status", "period_start"],
                name="value_indicator_status_idx",
            ),
            # The approval queue, oldest first, a page at a time: only the
            # values that wait are in it, so a page and the count read the
            # queue, never the official history around it.
            models.Index(
                fields=["entered_at", "id"],
                condition=Q(status="submitted", superseded_at__isnull=True),
                name="value_waiting_queue_idx",
            ),
        ]
        constraints = [
            # The one official number per indicator, period and series.
            models.UniqueConstraint(
                fields=["indicator", "period_start", "breakdown"],
                condition=Q(status="approved", superseded_at__isnull=True),
                name="value_one_current_approved_per_period",
            ),
            models.CheckConstraint(
                condition=Q(period_start__day=1), name="value_period_starts_on_first"
            ),
            models.CheckConstraint(
                condition=Q(granularity__in=Frequency.values),
                name="value_granularity_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ValueStatus.values), name="value_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
                name="value_approved_has_time",
            ),
            # Four eyes: nobody approves their own entry.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | Q(entered_by__isnull=True)
                | ~Q(approved_by=F("entered_by")),
                name="value_approver_not_enterer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_label}: {self.value}"

    @property
    def period_label(self) -> str:
        """``2024``, ``2024-Q3`` or ``2024-06``."""
        return parsing.period_label(self.period_start, self.granularity)

    @property
    def key(self) -> ValueKey:
        return ValueKey(self.indicator_id, self.period_start, self.breakdown)

    @property
    def is_current(self) -> bool:
        """Not replaced by a newer revision (official if approved)."""
        return self.superseded_at is None


class SnapshotResult(models.Model):
    """What the progress method found for a series as of a day, with every
    component, so that any status can be explained."""

    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"))
    inputs_fingerprint = models.CharField(_("inputs fingerprint"), max_length=64)
    method = models.CharField(_("method"), max_length=40)
    status = models.CharField(
        _("status"), max_length=30, choices=ProgressStatus.choices
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    progress_value = models.FloatField(_("progress value"), null=True, blank=True)
    components = models.JSONField(_("components"), default=dict, blank=True)

    class Meta:
        abstract = True


class ProgressSnapshot(SnapshotResult):
    """An indicator's computed progress as of a date: its national series, the
    indicator's status."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )

    class Meta:
        verbose_name = _("progress snapshot")
        verbose_name_plural = _("progress snapshots")
        ordering = ["indicator", "-as_of", "-computed_at"]
        indexes = [
            models.Index(
                fields=["indicator", "as_of", "computed_at"],
                name="snapshot_asof_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=-5, score__lte=5),
                name="snapshot_score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.as_of}: {self.get_status_display()}"


class SeriesSnapshot(SnapshotResult):
    """The progress of one broken-down series (a county, a sector …) of an
    indicator as of a date, by the same method as the national series."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="series_snapshots",
    )
    breakdown = models.CharField(_("breakdown"), max_length=200)

    class Meta:
        verbose_name = _("series progress snapshot")
        verbose_name_plural = _("series progress snapshots")
        ordering = ["indicator", "breakdown", "-as_of", "-computed_at"]
        indexes = [
            models.Index(
                fields=["indicator", "as_of", "breakdown"],
                name="series_snapshot_asof_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=-5, score__lte=5),
                name="series_snapshot_score_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(breakdown=NATIONAL), name="series_snapshot_not_national"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.breakdown} {self.as_of}"


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    INVALID = "invalid", _("Has errors")
    COMMITTING = "committing", _("Saving")
    COMMITTED = "committed", _("Saved")
    FAILED = "failed", _("Failed")


class ValueImport(models.Model):
    """An uploaded CSV/XLSX file of values: its dry-run report and its commit.

    The file itself is kept in the database so that a worker on another host
    can read it; the per-row report is a compact JSON list
    ``[row, indicator, period, value, outcome, message]``.
    """

    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    comment = models.TextField(_("comment for corrections"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ImportStatus.choices,
        default=ImportStatus.PENDING,
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    file_errors = models.JSONField(_("file errors"), default=list, blank=True)
    report = models.JSONField(_("row report"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The uploader's language: the report's reasons are written in it, also
    # by a worker, which has no request to take a language from.
    language = models.CharField(
        _("language of the report"), max_length=8, default=settings.LANGUAGE_CODE
    )
    # Deliveries of the current step's task (check, or commit): a file that
    # kills its worker comes back (acks_late) only so many times.
    deliveries = models.PositiveSmallIntegerField(_("deliveries"), default=0)

    class Meta:
        verbose_name = _("value import")
        verbose_name_plural = _("value imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values),
                name="value_import_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("indicators:import_detail", args=[self.pk])

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def is_running(self) -> bool:
        return self.status in (
            ImportStatus.PENDING,
            ImportStatus.CHECKING,
            ImportStatus.COMMITTING,
        )
