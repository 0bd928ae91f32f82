"""Reads for the roadmap, the initiatives and the council's warnings.

Every selector runs a fixed number of queries whatever the amount of data;
phase placement and the warning rules are the pure functions of ``rules``.
"""

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language, gettext

from core.asof import as_of_cutoff
from core.models import User
from core.templatetags.days import day
from indicators.models import Indicator, ProgressSnapshot
from strategy.models import Goal, ProgressStatus

from .models import (
    Delivery,
    DeliveryChange,
    IndicatorContribution,
    Initiative,
    Rag,
    RoadmapImport,
    StatusReport,
)
from .roadmap import Change
from .rules import (
    FINAL_STEP,
    PhaseSpan,
    delivery_is_late,
    period_start,
    phase_span,
    report_is_overdue,
)

# Indicator statuses under which a green report needs a second look.
WORRYING_STATUSES = (ProgressStatus.LIMITED_PROGRESS, ProgressStatus.DETERIORATION)


def report_interval_months() -> int:
    """How often measure owners report (three to four times a year)."""
    return getattr(settings, "INITIATIVE_REPORT_INTERVAL_MONTHS", 4)


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery placed on the value chain, with the late warning.

    ``delivery`` is a Delivery, or on a past date its historical record, which
    has the same fields.
    """

    delivery: Delivery
    span: PhaseSpan | None
    is_late: bool

    @property
    def steps(self) -> list[bool]:
        """One flag per value-chain step: does the phase cover it?"""
        covered = self.span.steps if self.span else range(0)
        return [step in covered for step in range(1, FINAL_STEP + 1)]

    @property
    def step_marks(self) -> str:
        """The steps as ■ (covered) and □, for the eye; ``step_text`` says it."""
        return _step_marks(self.span)

    @property
    def step_text(self) -> str:
        return _step_text(self.span, get_language())

    @property
    def start_text(self) -> str:
        """The start date as dd.mm.yyyy (a long table formats it faster here)."""
        return _day_text(self.delivery.start_date)

    @property
    def end_text(self) -> str:
        return _day_text(self.delivery.end_date)


# A roadmap has a handful of phases and hundreds of rows: each phase's marks
# and text are made once, not once per row.
@functools.cache
def _step_marks(span: PhaseSpan | None) -> str:
    covered = span.steps if span else range(0)
    return "".join("■" if step in covered else "□" for step in range(1, FINAL_STEP + 1))


@functools.lru_cache(maxsize=64)
def _step_text(span: PhaseSpan | None, language: str | None) -> str:
    # ``language`` is the cache's key: the text is translated into it.
    if span is None:
        return gettext("phase not given")
    return gettext("value chain steps %(first)s to %(last)s of 5") % {
        "first": span.first,
        "last": span.last,
    }


def _day_text(date: dt.date | None) -> str:
    return day(date) or "–"


def roadmap_version_as_of(*, as_of: dt.date) -> RoadmapImport | None:
    """The roadmap version current on a day: the newest import committed by its end.

    None when no version had been imported yet.
    """
    return (
        RoadmapImport.objects.filter(imported_at__lt=as_of_cutoff(as_of))
        .defer("content")
        .order_by("-imported_at", "-id")
        .first()
    )


def _deliveries_as_of(as_of: dt.date):
    """Each delivery as the system held it at the end of the day.

    From the deliveries' history (every import writes it): per delivery the
    newest historical record before the cutoff, unless that record is a
    deletion. Historical records have the delivery's fields, foreign keys
    included, so the roadmap's filters and ordering apply to them unchanged.
    """
    known = Delivery.history.filter(history_date__lt=as_of_cutoff(as_of))
    return known.latest_of_each().exclude(history_type="-")


_PARENT_TEXTS = (
    "initiative__sources",
    "initiative__description_nb",
    "initiative__sub_goal__sources",
)


def delivery_rows(
    *,
    today: dt.date,
    as_of: dt.date | None = None,
    removed: bool = False,
    goal_code: str = "",
    initiative: Initiative | None = None,
    sub_goal_code: str = "",
    planning_status: str = "",
    step: int | None = None,
) -> list[DeliveryRow]:
    """The roadmap's deliveries in initiative order, placed on the value chain.

    ``as_of`` shows the roadmap as it was at the end of that day (default: as
    it is now); ``today`` is the day lateness is judged on. ``removed``
    selects the deliveries no longer in the roadmap instead; ``step`` keeps
    those whose phase covers that step of the value chain. One query.
    """
    source = Delivery.objects if as_of is None else _deliveries_as_of(as_of)
    deliveries = (
        source.select_related("initiative__sub_goal")
        # The rows name their initiative and sub-goal (the sections' headings;
        # the goals come from the page's goal list); their sources (JSON) and
        # descriptions would be decoded for every row for nothing.
        .defer(*_PARENT_TEXTS)
        .order_by(
            "initiative__sub_goal__goal__order",
            "initiative__sub_goal__order",
            "initiative__order",
            "initiative__code",
            "start_date",
            "roadmap_id",
        )
    )
    if removed:
        deliveries = deliveries.exclude(removed_in_version="")
    else:
        deliveries = deliveries.filter(removed_in_version="")
    if goal_code:
        deliveries = deliveries.filter(initiative__sub_goal__goal__code=goal_code)
    if initiative is not None:
        deliveries = deliveries.filter(initiative=initiative)
    if sub_goal_code:
        deliveries = deliveries.filter(initiative__sub_goal__code=sub_goal_code)
    if planning_status:
        deliveries = deliveries.filter(planning_status=planning_status)
    spans: dict[str, PhaseSpan | None] = {}  # a few phase names among many rows
    rows = [_delivery_row(d, today, spans) for d in deliveries]
    if step is not None:
        rows = [row for row in rows if row.span and step in row.span.steps]
    return rows


def _delivery_row(
    delivery: Delivery, today: dt.date, spans: dict[str, PhaseSpan | None]
) -> DeliveryRow:
    if delivery.phase not in spans:
        spans[delivery.phase] = phase_span(delivery.phase)
    span = spans[delivery.phase]
    late = not delivery.removed_in_version and delivery_is_late(
        end_date=delivery.end_date, span=span, today=today
    )
    return DeliveryRow(delivery=delivery, span=span, is_late=late)


@dataclass(frozen=True)
class DeliveryGroup:
    """A goal, sub-goal or initiative (``grouper``) with its rows or parts."""

    grouper: object
    count: int
    parts: list


K = TypeVar("K")


def _grouped(items: list, key: Callable[..., K]) -> list[tuple[K, list]]:
    """Consecutive items with the same key, as (key, items): rows come sorted."""
    groups: list[tuple[K, list]] = []
    for item in items:
        value = key(item)
        if groups and groups[-1][0] == value:
            groups[-1][1].append(item)
        else:
            groups.append((value, [item]))
    return groups


def delivery_sections(
    rows: list[DeliveryRow], goals: Mapping[int, Goal]
) -> list[DeliveryGroup]:
    """The rows by goal, then sub-goal, then initiative (the roadmap's sections).

    Grouped here once rather than by three nested ``{% regroup %}`` tags,
    which looked the same chain of attributes up for every row at each level.
    """

    def initiatives(rows: list) -> list[DeliveryGroup]:
        return [
            DeliveryGroup(initiative, len(part), part)
            for initiative, part in _grouped(rows, lambda r: r.delivery.initiative)
        ]

    def sub_goals(rows: list) -> list[DeliveryGroup]:
        return [
            DeliveryGroup(sub_goal, len(part), initiatives(part))
            for sub_goal, part in _grouped(
                rows, lambda r: r.delivery.initiative.sub_goal
            )
        ]

    return [
        DeliveryGroup(goals[goal_id], len(part), sub_goals(part))
        for goal_id, part in _grouped(
            rows, lambda r: r.delivery.initiative.sub_goal.goal_id
        )
    ]


def roadmap_imports(*, as_of: dt.date | None = None) -> list[RoadmapImport]:
    """The committed imports, newest first, with how many deliveries each touched.

    With ``as_of``, only those committed by the end of that day.
    """
    imports = RoadmapImport.objects.all()
    if as_of is not None:
        imports = imports.filter(imported_at__lt=as_of_cutoff(as_of))
    return list(
        imports.select_related("imported_by")
        .defer("content")
        .annotate(
            **{
                f"{kind}_count": Count(
                    "changes__delivery", filter=Q(changes__kind=kind), distinct=True
                )
                for kind in ("added", "changed", "removed", "restored")
            }
        )
        # Meta.ordering does not apply to a query with GROUP BY.
        .order_by("-imported_at", "-id")
    )


def roadmap_import_changes(*, pk: int) -> tuple[RoadmapImport, list[Change]]:
    """One import and the changes it recorded; 404 if there is no such import.

    The changes come back in the shape of the preview's, so one template shows
    both.
    """
    record = get_object_or_404(
        RoadmapImport.objects.select_related("imported_by").defer("content"), pk=pk
    )
    stored = DeliveryChange.objects.filter(roadmap_import=record).select_related(
        "delivery"
    )
    changes = [
        Change(
            roadmap_id=c.delivery.roadmap_id,
            name=c.delivery.name,
            kind=c.kind,
            field=c.field,
            old=c.old_value,
            new=c.new_value,
        )
        for c in stored.order_by("id")
    ]
    return record, changes


# --- Initiatives, status reports and warnings --------------------------------


@dataclass(frozen=True)
class IndicatorFlag:
    """An indicator an initiative should move, with its newest progress status."""

    code: str
    name_nb: str
    is_demo: bool
    status: str

    @property
    def status_label(self) -> str:
        if not self.status:
            return ""
        return str(ProgressStatus(self.status).label)

    @property
    def is_worrying(self) -> bool:
        return self.status in WORRYING_STATUSES


@dataclass(frozen=True)
class ReportSummary:
    latest: StatusReport | None = None
    last_reported_at: dt.datetime | None = None


@dataclass(frozen=True)
class InitiativeRow:
    initiative: Initiative
    delivery_count: int
    late_count: int
    latest_report: StatusReport | None
    last_reported_at: dt.datetime | None
    report_overdue: bool
    indicators: list[IndicatorFlag] = field(default_factory=list)

    @property
    def green_but_worsening(self) -> list[IndicatorFlag]:
        """Reported green while an indicator it should move is getting worse."""
        if self.latest_report is None or self.latest_report.rag != Rag.GREEN:
            return []
        return [flag for flag in self.indicators if flag.is_worrying]


def initiative_rows(
    *,
    today: dt.date,
    initiative_ids: list[int] | None = None,
    as_of: dt.date | None = None,
) -> list[InitiativeRow]:
    """Every initiative with its deliveries, newest report and indicator flags.

    With ``as_of``, as they stood at the end of that day: the roadmap version
    of the day, the reports made by then, the indicators' status then, and
    lateness judged on that day (``today`` is then ``as_of``).
    """
    initiatives = Initiative.objects.select_related("sub_goal__goal")
    if initiative_ids is not None:
        initiatives = initiatives.filter(id__in=initiative_ids)
    counts, late = _delivery_counts(today, _current_deliveries(initiative_ids, as_of))
    reports = _report_summaries(initiative_ids, as_of)
    flags = _indicator_flags(initiative_ids, as_of)
    interval = report_interval_months()
    rows = []
    for initiative in initiatives:
        summary = reports.get(initiative.id, ReportSummary())
        last = summary.last_reported_at
        rows.append(
            InitiativeRow(
                initiative=initiative,
                delivery_count=counts.get(initiative.id, 0),
                late_count=late.get(initiative.id, 0),
                latest_report=summary.latest,
                last_reported_at=last,
                report_overdue=report_is_overdue(
                    last_reported=last.date() if last else None,
                    today=today,
                    interval_months=interval,
                ),
                indicators=flags.get(initiative.id, []),
            )
        )
    return rows


def _current_deliveries(initiative_ids: list[int] | None, as_of: dt.date | None):
    """The deliveries in the roadmap now, or at the end of ``as_of``."""
    source = Delivery.objects.all() if as_of is None else _deliveries_as_of(as_of)
    deliveries = source.filter(removed_in_version="")
    if initiative_ids is not None:
        deliveries = deliveries.filter(initiative_id__in=initiative_ids)
    return deliveries


def _delivery_counts(
    today: dt.date, deliveries
) -> tuple[dict[int, int], dict[int, int]]:
    """Per initiative: its deliveries, and how many of them are late. One query:
    a few hundred short rows."""
    counts: dict[int, int] = defaultdict(int)
    late: dict[int, int] = defaultdict(int)
    for initiative_id, phase, end_date in deliveries.values_list(
        "initiative_id", "phase", "end_date"
    ):
        counts[initiative_id] += 1
        if end_date is not None and end_date < today:
            span = phase_span(phase)
            if delivery_is_late(end_date=end_date, span=span, today=today):
                late[initiative_id] += 1
    return counts, late


def _report_order(report: StatusReport) -> tuple:
    return (period_start(report.period) or dt.date.min, report.reported_at)


def _report_summaries(
    initiative_ids: list[int] | None, as_of: dt.date | None = None
) -> dict[int, ReportSummary]:
    """Per initiative: the report for the latest period, and when it last reported
    (of the reports made by the end of ``as_of``)."""
    reports = StatusReport.objects.select_related("reported_by")
    if as_of is not None:
        reports = reports.filter(reported_at__lt=as_of_cutoff(as_of))
    if initiative_ids is not None:
        reports = reports.filter(initiative_id__in=initiative_ids)
    grouped: dict[int, list[StatusReport]] = defaultdict(list)
    for report in reports:
        grouped[report.initiative_id].append(report)
    return {
        initiative_id: ReportSummary(
            latest=max(items, key=_report_order),
            last_reported_at=max(r.reported_at for r in items),
        )
        for initiative_id, items in grouped.items()
    }


def _indicator_flags(
    initiative_ids: list[int] | None, as_of: dt.date | None = None
) -> dict[int, list[IndicatorFlag]]:
    """The indicators each initiative should move, with their newest snapshot
    (at or before ``as_of``)."""
    snapshots = ProgressSnapshot.objects.filter(indicator=OuterRef("indicator_id"))
    if as_of is not None:
        snapshots = snapshots.filter(as_of__lte=as_of)
    newest = snapshots.order_by("-as_of", "-computed_at").values("status")[:1]
    links = (
        IndicatorContribution.objects.annotate(status=Subquery(newest))
        .select_related("indicator")
        .order_by("indicator__goal__order", "indicator__code")
    )
    if initiative_ids is not None:
        links = links.filter(initiative_id__in=initiative_ids)
    flags: dict[int, list[IndicatorFlag]] = defaultdict(list)
    for link in links:
        indicator: Indicator = link.indicator
        flags[link.initiative_id].append(
            IndicatorFlag(
                code=indicator.code,
                name_nb=indicator.name_nb,
                is_demo=indicator.is_demo,
                status=link.status or "",
            )
        )
    return flags


@dataclass(frozen=True)
class CouncilWarnings:
    late_deliveries: list[DeliveryRow]
    green_but_worsening: list[InitiativeRow]
    overdue_reports: list[InitiativeRow]


def council_warnings(
    *,
    today: dt.date,
    rows: list[InitiativeRow] | None = None,
    as_of: dt.date | None = None,
) -> CouncilWarnings:
    """What the council needs to see: late deliveries, doubtful greens, no reports
    (as of the end of ``as_of``, when given).

    Pass the ``initiative_rows`` already read to save their queries.
    """
    rows = initiative_rows(today=today, as_of=as_of) if rows is None else rows
    deliveries = delivery_rows(today=today, as_of=as_of)
    return CouncilWarnings(
        late_deliveries=[row for row in deliveries if row.is_late],
        green_but_worsening=[row for row in rows if row.green_but_worsening],
        overdue_reports=[row for row in rows if row.report_overdue],
    )


def initiative_get_for_user(*, user: User, code: str) -> Initiative:
    """The initiative with this code; every dashboard reader may see all of them.

    404 when there is none.
    """
    queryset = Initiative.objects.select_related("sub_goal__goal").prefetch_related(
        "responsible", "linked_goals", "linked_sub_goals"
    )
    return get_object_or_404(queryset, code=code)


@dataclass(frozen=True)
class InitiativeDetail:
    initiative: Initiative
    row: InitiativeRow
    deliveries: list[DeliveryRow]
    reports: list[StatusReport]
    report_history: list


def initiative_detail(
    *, initiative: Initiative, today: dt.date, as_of: dt.date | None = None
) -> InitiativeDetail:
    """One initiative with its deliveries, reports (newest period first) and
    history; with ``as_of``, as they stood at the end of that day."""
    (row,) = initiative_rows(today=today, initiative_ids=[initiative.id], as_of=as_of)
    reports = StatusReport.objects.filter(initiative=initiative)
    history = StatusReport.history.filter(initiative_id=initiative.id)
    if as_of is not None:
        reports = reports.filter(reported_at__lt=as_of_cutoff(as_of))
        history = history.filter(history_date__lt=as_of_cutoff(as_of))
    return InitiativeDetail(
        initiative=initiative,
        row=row,
        deliveries=delivery_rows(today=today, initiative=initiative, as_of=as_of),
        reports=sorted(
            reports.select_related("reported_by"), key=_report_order, reverse=True
        ),
        report_history=list(
            history.select_related("history_user").order_by(
                "-history_date", "-history_id"
            )
        ),
    )


def deliveries_per_step(*, as_of: dt.date | None = None) -> dict[str, list[int]]:
    """Current deliveries per goal and value-chain step (by the phase's last step).

    With ``as_of``, the roadmap as it was at the end of that day. A delivery
    with an empty phase is counted under none. One query, counted in the
    database: a few rows per goal, one per phase name.
    """
    source = Delivery.objects if as_of is None else _deliveries_as_of(as_of)
    rows = (
        source.filter(removed_in_version="")
        .values_list("initiative__sub_goal__goal__code", "phase")
        .annotate(count=Count("*"))
        .order_by()
    )
    counts: dict[str, list[int]] = {}
    for goal_code, phase, count in rows:
        steps = counts.setdefault(goal_code, [0] * FINAL_STEP)
        span = phase_span(phase)
        if span is not None:
            steps[span.last - 1] += count
    return counts
