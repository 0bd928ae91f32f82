"""Reads of the indicators app: values, their history, the approval queue, flags."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.asof import as_of_cutoff, newest_as_of
from core.models import User
from core.numbers import number_text, signed_text
from core.texts import text_in_language
from strategy.models import Goal

from .breakdowns import NATIONAL, BreakdownError, breakdown_parse
from .models import (
    BreakdownCategory,
    BreakdownDimension,
    BreakdownLevel,
    Frequency,
    Indicator,
    IndicatorTargetChange,
    IndicatorValue,
    ProgressSnapshot,
    ValueImport,
    ValueKey,
    ValueStatus,
)
from .outliers import Jump, unusual_change
from .parsing import (
    MONTHS_PER_PERIOD,
    InputError,
    period_label,
    period_next,
    period_start_of,
)
from .snapshots import DEFINITION_FIELDS, definition_histories, official_at

# How long after a period ends its value may still be missing before the
# indicator counts as overdue: statistics producers publish with a lag.
FRESHNESS_GRACE: dict[str, dt.timedelta] = {
    Frequency.ANNUAL: dt.timedelta(days=183),
    Frequency.QUARTERLY: dt.timedelta(days=90),
    Frequency.MONTHLY: dt.timedelta(days=45),
}
PENDING = (ValueStatus.DRAFT, ValueStatus.SUBMITTED)


def indicators_with_goal() -> QuerySet[Indicator]:
    """Indicators with their goal and owner, as pages and the API show them."""
    return Indicator.objects.select_related("goal", "owner")


def indicator_get(*, code: str) -> Indicator:
    """The indicator with this code, or 404 (every reader may see every one);
    ``has_breakdowns`` says, in the same query, whether it declares any (an
    indicator without spends no query on series)."""
    declared = Indicator.breakdowns.through.objects.filter(indicator_id=OuterRef("pk"))
    return get_object_or_404(
        indicators_with_goal().annotate(has_breakdowns=Exists(declared)), code=code
    )


@dataclass(frozen=True)
class ScheduledChange:
    """A baseline or target change recorded but not yet in effect."""

    effective_from: dt.date
    baseline_value: Decimal | None
    baseline_year: int | None
    target_value: Decimal | None
    target_year: int
    decision_case: str  # the council's case number (2/26), or ""


@dataclass(frozen=True)
class DefinitionShown:
    """An indicator's baseline, target and limit as they apply on a day, and
    the changes known then that apply later (the header of its page)."""

    day: dt.date
    baseline_value: Decimal | None
    baseline_year: int | None
    target_value: Decimal | None
    target_year: int
    limit: Decimal | None
    scheduled: list[ScheduledChange]

    @property
    def target_announcements(self) -> list["Announcement"]:
        """The target changes to come, each after the target it replaces."""
        year = self.target_year
        return [
            Announcement(c, c.target_value, c.target_year, c.target_year != year)
            for c in self.scheduled
            if (c.target_value, c.target_year) != (self.target_value, self.target_year)
        ]

    @property
    def baseline_announcements(self) -> list["Announcement"]:
        return [
            Announcement(c, c.baseline_value, c.baseline_year, True)
            for c in self.scheduled
            if (c.baseline_value, c.baseline_year)
            != (self.baseline_value, self.baseline_year)
        ]


@dataclass(frozen=True)
class Announcement:
    """A value to come, as a page says it: "95 fra 10.12.2026, vedtak 2/26"."""

    change: ScheduledChange
    value: Decimal | None
    year: int | None
    show_year: bool  # the year differs from the one in effect


def indicator_definition(*, indicator: Indicator, day: dt.date) -> DefinitionShown:
    """The definition the method uses on ``day`` (``snapshots.DefinitionHistory``),
    with the changes recorded by then that apply later. Two queries, and one
    for the decisions of changes to come."""
    return definitions_shown(indicators=[indicator], day=day)[indicator.pk]


def definitions_shown(
    *, indicators: Iterable[Indicator], day: dt.date
) -> dict[int, DefinitionShown]:
    """``indicator_definition`` for many indicators, in the same queries."""
    rows = [
        {
            "pk": i.pk,
            "goal_id": i.goal_id,
            **{name: getattr(i, name) for name in DEFINITION_FIELDS},
        }
        for i in indicators
    ]
    histories = definition_histories(indicator_ids=[r["pk"] for r in rows], rows=rows)
    scheduled = {pk: h.scheduled(day) for pk, h in histories.items()}
    change_ids = [c["pk"] for changes in scheduled.values() for c in changes]
    cases: dict[int, str] = {}
    if change_ids:
        decided = IndicatorTargetChange.objects.filter(
            pk__in=change_ids, decision__isnull=False
        ).select_related("decision__agenda_item")
        # The decision's case number as the council writes it (its sak's).
        cases = {
            c.pk: c.decision.agenda_item.case_number for c in decided if c.decision
        }
    shown = {}
    for pk, history in histories.items():
        fields = history.at(day)
        shown[pk] = DefinitionShown(
            day=day,
            baseline_value=fields["baseline_value"],
            baseline_year=fields["baseline_year"],
            target_value=fields["target_value"],
            target_year=fields["target_year"],
            limit=fields["limit"],
            scheduled=[
                ScheduledChange(
                    effective_from=c["effective_from"],
                    baseline_value=c["baseline_value"],
                    baseline_year=c["baseline_year"],
                    target_value=c["target_value"],
                    target_year=c["target_year"],
                    decision_case=cases.get(c["pk"], ""),
                )
                for c in scheduled[pk]
            ],
        )
    return shown


def indicators_by_code(codes: Iterable[str]) -> dict[str, Indicator]:
    """The indicators with these codes that exist, by code (one query)."""
    return {i.code: i for i in indicators_with_goal().filter(code__in=set(codes))}


def scope_codes(*, among: Iterable[str]) -> set[str]:
    """Which of these codes an API key's write scope may name: goal codes
    (M1…) and indicator codes. Two queries."""
    codes = set(among)
    goals = Goal.objects.filter(code__in=codes).values_list("code", flat=True)
    indicators = Indicator.objects.filter(code__in=codes).values_list("code", flat=True)
    return {*goals, *indicators}


class ValueHead(NamedTuple):
    """What recording a new value needs to know of a period's current revision."""

    pk: int
    status: str
    value: Decimal


def value_heads(
    *, indicator_ids: Iterable[int], period_starts: Iterable[dt.date]
) -> dict[ValueKey, tuple[ValueHead | None, ValueHead | None]]:
    """Value key → (newest pending revision, official value).

    Plain tuples, not model instances: a batch of 100,000 values re-sent
    unchanged reads 100,000 heads, and building models costs ~15 µs each.
    """
    rows = (
        IndicatorValue.objects.filter(
            indicator_id__in=set(indicator_ids),
            period_start__in=set(period_starts),
            superseded_at__isnull=True,
        )
        .exclude(status=ValueStatus.REJECTED)
        .order_by("entered_at", "pk")
        .values_list(*ValueKey._fields, "pk", "status", "value")
    )
    heads: dict[ValueKey, list] = defaultdict(lambda: [None, None])
    approved = ValueStatus.APPROVED.value
    for indicator_id, start, breakdown, pk, status, value in rows:
        slot = 1 if status == approved else 0
        key = ValueKey(indicator_id, start, breakdown)
        heads[key][slot] = ValueHead(pk, status, value)
    return {key: (pair[0], pair[1]) for key, pair in heads.items()}


def pending_value_ids(*, keys: Iterable[ValueKey]) -> dict[ValueKey, int]:
    """The value waiting for approval at each of these keys that has one."""
    keys = set(keys)
    rows = IndicatorValue.objects.filter(
        indicator_id__in={key.indicator_id for key in keys},
        period_start__in={key.period_start for key in keys},
        status=ValueStatus.SUBMITTED,
        superseded_at__isnull=True,
    ).values_list(*ValueKey._fields, "pk")
    found = {ValueKey(*row[:-1]): row[-1] for row in rows}
    return {key: pk for key, pk in found.items() if key in keys}


def indicator_breakdowns(*, indicator_ids: Iterable[int]) -> dict[int, set[str]]:
    """Each indicator's declared breakdown dimensions, by code. One query."""
    ids = set(indicator_ids)
    through = Indicator.breakdowns.through
    rows = through.objects.filter(indicator_id__in=ids).values_list(
        "indicator_id", "breakdowndimension__code"
    )
    found: dict[int, set[str]] = {pk: set() for pk in ids}
    for pk, code in rows:
        found[pk].add(code)
    return found


def series_labels(keys: Iterable[str]) -> dict[str, str]:
    """Each series key's label for people, by category names in the page's
    language (``region:03`` → "Oslo"; "" → "National"). One query."""
    keys = set(keys)
    pairs = {pair for key in keys if key for pair in _parse_or_empty(key).items()}
    names: dict[tuple[str, str], str] = {}
    if pairs:
        rows = BreakdownCategory.objects.filter(
            dimension__code__in={d for d, _c in pairs}, code__in={c for _d, c in pairs}
        ).values("dimension__code", "code", "name_nb", "name_en")
        for row in rows:
            names[(row["dimension__code"], row["code"])] = text_in_language(row, "name")
    labels: dict[str, str] = {}
    for key in keys:
        if not key:
            labels[key] = str(_("National"))
        elif mapping := _parse_or_empty(key):
            parts = [names.get(item, item[1]) for item in sorted(mapping.items())]
            # One name keeps its language mark; several are joined as text.
            labels[key] = parts[0] if len(parts) == 1 else ", ".join(parts)
    return labels


def _parse_or_empty(key: str) -> dict[str, str]:
    try:
        return breakdown_parse(key)
    except BreakdownError:
        return {}


@dataclass(frozen=True)
class SeriesChoices:
    """The series an indicator's values may belong to, for a select: the
    national figure, then each declared dimension's codes in groups."""

    groups: list[tuple[str, list[tuple[str, str]]]]
    labels: dict[str, str]

    def __contains__(self, key: str) -> bool:
        return key in self.labels


def series_choices(*, indicator: Indicator) -> SeriesChoices:
    """The national figure and a series per code of each dimension the
    indicator declares (single-dimension series; combinations come through
    the API and imports). One query, none more for an indicator without."""
    national = str(_("National (the whole country)"))
    groups: dict[str, list[tuple[str, str]]] = {}
    labels = {NATIONAL: national}
    if not getattr(indicator, "has_breakdowns", True):
        return SeriesChoices([("", [(NATIONAL, national)])], labels)
    rows = (
        BreakdownCategory.objects.filter(dimension__indicators=indicator)
        .order_by("dimension__order", "dimension__code", "order", "code")
        .values(
            "dimension__code",
            "dimension__name_nb",
            "dimension__name_en",
            "code",
            "name_nb",
            "name_en",
            "level",
        )
    )
    levels = dict(BreakdownLevel.choices)
    for row in rows:
        level = row["level"]
        group = (
            str(levels[level]) if level else text_in_language(row, "dimension__name")
        )
        key = f"{row['dimension__code']}:{row['code']}"
        label = text_in_language(row, "name")
        groups.setdefault(group, []).append((key, label))
        labels[key] = label
    return SeriesChoices([("", [(NATIONAL, national)]), *groups.items()], labels)


def region_categories(*, levels: Iterable[str]) -> list[tuple[str, str, str]]:
    """``(code, name, level)`` of the region code list at these levels, in the
    list's order, each name in the page's language (``text_in_language``).
    One query."""
    rows = (
        BreakdownCategory.objects.filter(
            dimension__code=BreakdownDimension.REGION, level__in=list(levels)
        )
        .order_by("order", "code")
        .values("code", "name_nb", "name_en", "level")
    )
    return [(row["code"], text_in_language(row, "name"), row["level"]) for row in rows]


def breakdown_codes(dimensions: Iterable[str]) -> dict[str, set[str]]:
    """The category codes of these dimensions' code lists. One query."""
    rows = BreakdownCategory.objects.filter(
        dimension__code__in=set(dimensions)
    ).values_list("dimension__code", "code")
    found: dict[str, set[str]] = {}
    for dimension, code in rows:
        found.setdefault(dimension, set()).add(code)
    return found


def report_officials(entries: Iterable[list]) -> dict[int, Decimal]:
    """Row number → the official value now of that row's indicator and period,
    for rows of an import report (``[row, indicator, period, …]``) that have one.
    """
    codes = {str(entry[1]) for entry in entries}
    by_code = {i.code: i.pk for i in Indicator.objects.filter(code__in=codes)}
    keys: dict[int, ValueKey] = {}
    for entry in entries:
        try:
            start = period_start_of(str(entry[2]))
        except InputError:
            continue
        if str(entry[1]) in by_code:
            series = str(entry[6]) if len(entry) > 6 else NATIONAL
            keys[entry[0]] = ValueKey(by_code[str(entry[1])], start, series)
    heads = value_heads(
        indicator_ids={key.indicator_id for key in keys.values()},
        period_starts={key.period_start for key in keys.values()},
    )
    found = {}
    for number, key in keys.items():
        official = heads.get(key, (None, None))[1]
        if official is not None:
            found[number] = official.value
    return found


# --- Per-indicator period table ----------------------------------------------


@dataclass
class PeriodRow:
    label: str
    period_start: dt.date
    official: IndicatorValue | None = None
    pending: IndicatorValue | None = None
    history: list[IndicatorValue] = field(default_factory=list)


@dataclass(frozen=True)
class PeriodTable:
    """The newest periods of an indicator and how many periods it has in all."""

    rows: list[PeriodRow]
    total: int

    @property
    def is_cut(self) -> bool:
        return len(self.rows) < self.total


def indicator_periods(
    *,
    indicator: Indicator,
    today: dt.date,
    newest: int | None = None,
    as_of: dt.date | None = None,
    breakdown: str = NATIONAL,
) -> PeriodTable:
    """Every period from the first value (or baseline) to today, newest first.

    Each row holds the official value, the pending revision (provisional) and
    the full revision history, newest first, with who entered and approved.
    With ``newest``, only that many of the newest periods are read and shown:
    ten years of monthly values are 120 rows, most of them settled long ago.
    With ``as_of`` (a page as of a past day), only what was official at the
    end of that day: its periods, each with its official value then, and no
    pending revision or history (those are today's).
    """
    known = indicator.values.filter(breakdown=breakdown)
    if as_of is not None:
        known = known.filter(official_at(as_of_cutoff(as_of)))
    # A value's own granularity names a period off the indicator's grid (one
    # entered before its frequency changed); the grid's periods use the
    # indicator's frequency.
    starts_read = known.order_by().values_list("period_start", "granularity")
    granularity = dict(starts_read.distinct())
    grid = _period_range(indicator, set(granularity), as_of or today)
    granularity.update(dict.fromkeys(grid, indicator.frequency))
    starts = sorted(granularity, reverse=True)
    shown = starts if newest is None else starts[:newest]
    rows = {
        start: PeriodRow(period_label(start, granularity[start]), start)
        for start in shown
    }
    values = known.select_related("entered_by", "approved_by")
    if len(shown) < len(starts):
        values = values.filter(period_start__gte=shown[-1])
    if as_of is not None:
        # Of two revisions that both look official at the cutoff, the later.
        for value in values.order_by("-approved_at", "-pk"):
            row = rows[value.period_start]
            row.official = row.official or value
        return PeriodTable(list(rows.values()), len(starts))
    for value in values.order_by("-entered_at", "-pk"):
        row = rows[value.period_start]
        row.history.append(value)
        if value.superseded_at is None and value.status == ValueStatus.APPROVED:
            row.official = value
        elif value.superseded_at is None and value.status in PENDING:
            row.pending = row.pending or value
    _rejections_attach([v for row in rows.values() for v in row.history])
    return PeriodTable(list(rows.values()), len(starts))


def _rejections_attach(values: list[IndicatorValue]) -> None:
    """Set ``rejected_by`` and ``rejected_at`` on the rejected values, from
    the history row their rejection wrote (the value keeps only the reason)."""
    rejected = {v.pk: v for v in values if v.status == ValueStatus.REJECTED}
    if not rejected:
        return
    records = (
        IndicatorValue.history.filter(
            id__in=list(rejected), history_change_reason="rejected"
        )
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for record in records:
        value = rejected[record.id]
        value.rejected_by, value.rejected_at = record.history_user, record.history_date


def _period_range(
    indicator: Indicator, with_values: set[dt.date], today: dt.date
) -> list[dt.date]:
    """The periods of the indicator's frequency from its first value to today."""
    starts = list(with_values)
    if indicator.baseline_year:
        starts.append(dt.date(indicator.baseline_year, 1, 1))
    first = min(starts, default=dt.date(today.year, 1, 1))
    current = dt.date(first.year, 1, 1)
    periods = []
    while current <= today:
        if current >= first:
            periods.append(current)
        current = period_next(current, indicator.frequency)
    return periods


# --- Approval queue with outlier flags -----------------------------------------


@dataclass
class QueueItem:
    value: IndicatorValue
    official: IndicatorValue | None
    flags: list[str]
    series: str = ""  # the series' label for a broken-down value


# Values per page of the approval queue: 12,000 on one page took 25 s and 5 MB.
QUEUE_PAGE = 100


@dataclass(frozen=True)
class ApprovalQueue:
    """One page of the approval queue: its items, and the page (number, count,
    neighbours) for the pager."""

    items: list[QueueItem]
    page: Page


def approval_queue(
    *,
    goal_code: str | None = None,
    indicator_code: str | None = None,
    page: int | str | None = 1,
    per_page: int = QUEUE_PAGE,
) -> ApprovalQueue:
    """One page of the submitted values waiting for approval, oldest first, with
    outlier flags; optionally of one goal's or one indicator's values only.

    Three queries whatever the queue's length: its count, the page's values and
    the official series of the page's indicators (for the flags), the first two
    on an index of the waiting values only. A page past the end gives the last.
    """
    waiting = pending_values()
    if goal_code:
        waiting = waiting.filter(indicator__goal__code=goal_code)
    if indicator_code:
        waiting = waiting.filter(indicator__code=indicator_code)
    shown = Paginator(
        waiting.select_related("indicator", "indicator__owner", "entered_by").order_by(
            "entered_at", "pk"
        ),
        per_page,
    ).get_page(page)
    values = list(shown.object_list)
    official = _official_values({v.indicator_id for v in values})
    labels = series_labels(v.breakdown for v in values if v.breakdown)
    items = []
    for value in values:
        series = official.get((value.indicator_id, value.breakdown), {})
        items.append(
            QueueItem(
                value=value,
                official=series.get(value.period_start),
                flags=value_flags(value=value, series=series),
                series=labels.get(value.breakdown, ""),
            )
        )
    return ApprovalQueue(items, shown)


def pending_values() -> QuerySet[IndicatorValue]:
    """The submitted values that wait for a decision (current revisions only)."""
    return IndicatorValue.objects.filter(
        status=ValueStatus.SUBMITTED, superseded_at__isnull=True
    )


def goal_choices() -> list[tuple[str, str]]:
    """(code, title) of every goal, in the strategy's order."""
    return list(Goal.objects.order_by("order").values_list("code", "title_nb"))


def _official_values(
    indicator_ids: set[int],
) -> dict[tuple[int, str], dict[dt.date, IndicatorValue]]:
    """Each series' official values by period start."""
    rows = IndicatorValue.objects.filter(
        indicator_id__in=indicator_ids,
        status=ValueStatus.APPROVED,
        superseded_at__isnull=True,
    ).only("indicator_id", "breakdown", "period_start", "value")
    series: dict[tuple[int, str], dict[dt.date, IndicatorValue]] = defaultdict(dict)
    for row in rows.order_by():
        series[row.indicator_id, row.breakdown][row.period_start] = row
    return series


def value_flags(
    *, value: IndicatorValue, series: dict[dt.date, IndicatorValue]
) -> list[str]:
    """Why an approver should look twice at a value, in plain words.

    ``series`` is the indicator's official values by period start.
    """
    official = {start: row.value for start, row in series.items()}
    return value_check_flags(
        indicator=value.indicator,
        period_start=value.period_start,
        value=value.value,
        official=official,
    )


def value_entry_flags(
    *, indicator: Indicator, period_start: dt.date, value: Decimal
) -> list[str]:
    """The same checks for a value just entered, said to the person entering
    it (one query: the indicator's official values)."""
    official = dict(
        indicator.values.filter(
            status=ValueStatus.APPROVED,
            superseded_at__isnull=True,
            breakdown=NATIONAL,
        ).values_list("period_start", "value")
    )
    return value_check_flags(
        indicator=indicator, period_start=period_start, value=value, official=official
    )


def value_check_flags(
    *,
    indicator: Indicator,
    period_start: dt.date,
    value: Decimal,
    official: dict[dt.date, Decimal],
) -> list[str]:
    """Outside the expected minimum or maximum, or an unusual change from the
    period before (``outliers.unusual_change``)."""
    flags = []
    if indicator.expected_min is not None and value < indicator.expected_min:
        flags.append(_("Below the expected minimum."))
    if indicator.expected_max is not None and value > indicator.expected_max:
        flags.append(_("Above the expected maximum."))
    frequency = indicator.frequency
    starts = {_period_number(start, frequency): start for start in official}
    jump = unusual_change(
        [(number, float(official[start])) for number, start in starts.items()],
        (_period_number(period_start, frequency), float(value)),
    )
    if jump is not None:
        starts[_period_number(period_start, frequency)] = period_start
        flags.append(_jump_text(jump, starts, frequency))
    return flags


def _period_number(start: dt.date, frequency: str) -> int:
    """Periods of the frequency counted from year 0: consecutive ones differ by 1."""
    return (start.year * 12 + start.month - 1) // MONTHS_PER_PERIOD[frequency]


JUMP_TEXTS: dict[str, object] = {
    Frequency.ANNUAL: gettext_lazy(
        "From %(from)s (%(before)s) to %(to)s (%(after)s) the value changes by "
        "%(change)s; it usually changes by about %(typical)s a year."
    ),
    Frequency.QUARTERLY: gettext_lazy(
        "From %(from)s (%(before)s) to %(to)s (%(after)s) the value changes by "
        "%(change)s; it usually changes by about %(typical)s a quarter."
    ),
    Frequency.MONTHLY: gettext_lazy(
        "From %(from)s (%(before)s) to %(to)s (%(after)s) the value changes by "
        "%(change)s; it usually changes by about %(typical)s a month."
    ),
}


def _jump_text(jump: Jump, starts: dict[int, dt.date], frequency: str) -> str:
    return str(JUMP_TEXTS[frequency]) % {
        "from": period_label(starts[jump.from_period], frequency),
        "before": number_text(jump.from_value),
        "to": period_label(starts[jump.to_period], frequency),
        "after": number_text(jump.to_value),
        "change": signed_text(jump.change, rate=jump.relative),
        "typical": signed_text(jump.typical, rate=jump.relative),
    }


# --- Indicator list with freshness ------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    newest_period: str
    pending_count: int | None  # None: not shown (a past day's list)
    overdue: bool
    expected_period: str
    status: str | None = None  # from the newest snapshot at or before the day


def expected_period(*, frequency: str, today: dt.date) -> dt.date:
    """The newest period whose value should be in by today (end + grace)."""
    current = dt.date(today.year - 2, 1, 1)
    expected = current
    while True:
        end = period_next(current, frequency)
        if end - dt.timedelta(days=1) + FRESHNESS_GRACE[frequency] >= today:
            return expected
        expected = current
        current = end


def indicator_rows(
    *, today: dt.date, goal_code: str | None = None, as_of: dt.date | None = None
) -> list[IndicatorRow]:
    """Indicators with their status, their newest value's period and an overdue
    flag; with ``as_of``, as they stood at the end of that day.

    Overdue: the newest submitted or approved value (as of a past day: the
    newest official one) is older than the newest period that its frequency
    and the grace period say should be in. Three queries.
    """
    day = as_of or today
    if as_of is None:
        counted = Q(values__status__in=[ValueStatus.SUBMITTED, ValueStatus.APPROVED])
    else:
        counted = _official_then(as_of_cutoff(as_of))
    qs = Indicator.objects.select_related("goal", "owner").annotate(
        newest=Max("values__period_start", filter=counted),
        pending_count=Count(
            "values",
            filter=Q(
                values__status=ValueStatus.SUBMITTED,
                values__superseded_at__isnull=True,
            ),
        ),
    )
    if goal_code:
        qs = qs.filter(goal__code=goal_code)
    statuses = dict(
        newest_as_of(ProgressSnapshot, "indicator", as_of=day).values_list(
            "indicator_id", "status"
        )
    )
    rows = []
    for indicator in qs:
        expected = expected_period(frequency=indicator.frequency, today=day)
        newest: dt.date | None = indicator.newest
        rows.append(
            IndicatorRow(
                indicator=indicator,
                newest_period=period_label(newest, indicator.frequency)
                if newest
                else "",
                # Waiting for approval is today's: a past day's list has none.
                pending_count=indicator.pending_count if as_of is None else None,
                overdue=newest is None or newest < expected,
                expected_period=period_label(expected, indicator.frequency),
                status=statuses.get(indicator.pk),
            )
        )
    return rows


def _official_then(cutoff: dt.datetime) -> Q:
    """``official_at`` through an indicator's ``values`` relation."""
    return Q(values__status=ValueStatus.APPROVED, values__approved_at__lt=cutoff) & (
        Q(values__superseded_at__isnull=True) | Q(values__superseded_at__gte=cutoff)
    )


# --- Export and imports -------------------------------------------------------------


def values_for_export(
    *, indicators: QuerySet[Indicator], history: bool
) -> QuerySet[IndicatorValue]:
    """Official and pending values (or every revision, with ``history``)."""
    qs = IndicatorValue.objects.filter(indicator__in=indicators).select_related(
        "indicator", "entered_by", "approved_by"
    )
    if not history:
        qs = qs.filter(superseded_at__isnull=True).exclude(status=ValueStatus.REJECTED)
    return qs.order_by("indicator__code", "period_start", "entered_at", "pk")


def value_import_get(*, pk: int, user: User, with_report: bool = True) -> ValueImport:
    """An import the user started (an import's file is its owner's business)."""
    deferred = ("content",) if with_report else ("content", "report")
    return get_object_or_404(
        ValueImport.objects.defer(*deferred), pk=pk, created_by=user
    )


# --- Breakdown code lists -----------------------------------------------------------


def breakdown_dimensions(*, level: str = "") -> QuerySet[BreakdownDimension]:
    """The breakdown dimensions with their code lists as ``categories`` (each
    with ``parent_code``), only the categories of ``level`` when given.

    Two queries however long the lists: 357 municipalities are one prefetch.
    """
    categories = BreakdownCategory.objects.annotate(
        parent_code=F("parent__code")
    ).order_by("order", "code")
    if level:
        categories = categories.filter(level=level)
    return BreakdownDimension.objects.prefetch_related(
        Prefetch("categories", queryset=categories)
    )


def breakdown_dimension_get(*, code: str, level: str = "") -> BreakdownDimension:
    """One dimension with its code list, as ``breakdown_dimensions``; or 404."""
    return get_object_or_404(breakdown_dimensions(level=level), code=code)
