import bisect
import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.asof import newest_as_of
from indicators.models import Indicator, ProgressSnapshot
from indicators.snapshots import indicator_series
from initiatives.models import Initiative
from initiatives.rules import VALUE_CHAIN
from initiatives.selectors import deliveries_per_step

from .models import Goal, GoalProgress, ProgressStatus, Strategy, SubGoal
from .rollup import Band, goal_rollup, rollup_bands


@dataclass(frozen=True)
class SubGoalRow:
    code: str
    title_nb: str
    initiative_count: int


@dataclass(frozen=True)
class GoalCard:
    code: str
    title_nb: str
    title_en: str
    description_nb: str
    kind: str
    kind_label: str
    sources: list[str]
    sub_goals: list[SubGoalRow]
    initiative_count: int
    indicator_count: int
    demo_indicator_count: int


@dataclass(frozen=True)
class StrategyOverview:
    strategy: Strategy | None
    goals: list[GoalCard]


def strategy_overview() -> StrategyOverview:
    """The goals with their sub-goals and counts, in a fixed number of queries."""
    sub_goals = SubGoal.objects.annotate(
        initiative_count=Count("initiatives", distinct=True)
    ).order_by("order")
    goals = (
        Goal.objects.annotate(
            indicator_count=Count("indicators", distinct=True),
            demo_indicator_count=Count(
                "indicators", filter=Q(indicators__is_demo=True), distinct=True
            ),
        )
        .prefetch_related(Prefetch("sub_goals", queryset=sub_goals))
        .order_by("order")
    )
    cards = []
    for goal in goals:
        rows = [
            # initiative_count: annotated by the Prefetch's queryset above.
            SubGoalRow(s.code, s.title_nb, s.initiative_count)  # type: ignore[attr-defined]
            for s in goal.sub_goals.all()
        ]
        cards.append(
            GoalCard(
                code=goal.code,
                title_nb=goal.title_nb,
                title_en=goal.title_en,
                description_nb=goal.description_nb,
                kind=goal.kind,
                kind_label=goal.get_kind_display(),
                sources=goal.sources,
                sub_goals=rows,
                initiative_count=sum(r.initiative_count for r in rows),
                indicator_count=goal.indicator_count,
                demo_indicator_count=goal.demo_indicator_count,
            )
        )
    return StrategyOverview(
        strategy=Strategy.objects.order_by("-end_year").first(), goals=cards
    )


def goal_indicator_ids(*, goal_ids: list[int]) -> dict[int, list[int]]:
    """Each goal's indicator ids, in one query."""
    members: dict[int, list[int]] = {goal_id: [] for goal_id in goal_ids}
    rows = Indicator.objects.filter(goal_id__in=goal_ids).order_by("pk")
    for pk, goal_id in rows.values_list("pk", "goal_id"):
        members[goal_id].append(pk)
    return members


def indicator_scores_as_of(
    *, as_of: dt.date, goal_ids: list[int] | None = None
) -> dict[int, tuple[str, float | None]]:
    """``(status, score)`` of each indicator (of these goals) as of a date.

    From the newest snapshot at or before the date; one query, no JSON decoded.
    """
    owners = None if goal_ids is None else Q(goal_id__in=goal_ids)
    rows = newest_as_of(
        ProgressSnapshot, "indicator", as_of=as_of, owners=owners
    ).values_list("indicator_id", "status", "score")
    return {pk: (status, score) for pk, status, score in rows}


def goals_behind_indicator_ids() -> list[int]:
    """The indicators of goals whose newest roll-up was computed before one of
    their indicators' newest snapshots (or that have none): a roll-up left
    behind, which the sweep makes good by recomputing them."""
    snapshot = (
        ProgressSnapshot.objects.filter(indicator__goal=OuterRef("pk"))
        .order_by("-computed_at")
        .values("computed_at")[:1]
    )
    rollup = (
        GoalProgress.objects.filter(goal=OuterRef("pk"))
        .order_by("-computed_at")
        .values("computed_at")[:1]
    )
    behind = Goal.objects.annotate(
        snapshot=Subquery(snapshot), rollup=Subquery(rollup)
    ).filter(
        Q(snapshot__gt=F("rollup")) | Q(rollup__isnull=True, snapshot__isnull=False)
    )
    return list(
        Indicator.objects.filter(goal__in=behind)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def goal_rollup_rows(*, goal_ids: list[int]) -> dict[int, list[tuple[dt.date, str]]]:
    """Each goal's roll-ups as ``(as_of, fingerprint)``, by day and then as
    computed (the last of a day is the one read). One query."""
    rows = (
        GoalProgress.objects.filter(goal_id__in=goal_ids)
        .order_by("goal_id", "as_of", "computed_at", "pk")
        .values_list("goal_id", "as_of", "inputs_fingerprint")
    )
    found: dict[int, list[tuple[dt.date, str]]] = {}
    for goal_id, day, key in rows:
        found.setdefault(goal_id, []).append((day, key))
    return found


ScoreRow = tuple[int, dt.date, str, float | None]


def indicator_score_rows(
    *, goal_ids: list[int], since: dt.date | None, until: dt.date
) -> list[ScoreRow]:
    """``(indicator, as_of, status, score)`` of these goals' indicators'
    snapshots up to ``until``, by day and then as computed: from ``since`` on,
    and before it each indicator's newest (with ``since`` None, all). Two
    queries at most; no JSON decoded."""
    fields = ("indicator_id", "as_of", "status", "score")
    members = Q(indicator__goal_id__in=goal_ids)
    rows: list[ScoreRow] = []
    later = ProgressSnapshot.objects.filter(members, as_of__lte=until)
    if since is not None:
        before = newest_as_of(
            ProgressSnapshot,
            "indicator",
            as_of=since - dt.timedelta(days=1),
            owners=Q(goal_id__in=goal_ids),
        )
        rows += list(before.values_list(*fields))
        later = later.filter(as_of__gte=since)
    rows += list(later.order_by("as_of", "computed_at", "pk").values_list(*fields))
    return rows


class IndicatorScores:
    """Indicators' ``(status, score)`` on any day, from their snapshots' rows
    (``indicator_score_rows``): the newest at or before the day."""

    def __init__(self, rows: list[ScoreRow]):
        self._days: dict[int, list[dt.date]] = {}
        self._values: dict[int, list[tuple[str, float | None]]] = {}
        for pk, day, status, score in rows:
            days = self._days.setdefault(pk, [])
            values = self._values.setdefault(pk, [])
            if days and days[-1] == day:
                values[-1] = (status, score)  # computed later the same day
            else:
                days.append(day)
                values.append((status, score))

    def at(self, day: dt.date) -> dict[int, tuple[str, float | None]]:
        found = {}
        for pk, days in self._days.items():
            i = bisect.bisect_right(days, day)
            if i:
                found[pk] = self._values[pk][i - 1]
        return found

    def days_between(self, after: dt.date | None, until: dt.date) -> set[dt.date]:
        """Days in ``(after, until]`` on which some indicator has a snapshot."""
        return {
            day
            for days in self._days.values()
            for day in days
            if (after is None or day > after) and day <= until
        }


def goal_progress_as_of(*, as_of: dt.date | None = None) -> dict[str, GoalProgress]:
    """Each goal's newest roll-up at or before ``as_of`` (default today), by code.

    Stored results only: pages and the API never compute progress. One query.
    """
    rows = newest_as_of(
        GoalProgress, "goal", as_of=as_of or timezone.localdate()
    ).select_related("goal")
    return {row.goal.code: row for row in rows}


@dataclass(frozen=True)
class GoalStatus:
    status: str
    status_label: str
    score: float | None
    counts: dict[str, int]


@dataclass(frozen=True)
class StatusChange:
    indicator_code: str
    indicator_name_nb: str
    indicator_name_en: str
    is_demo: bool
    before: str
    after: str


class LastMeeting(Protocol):
    """What the overview needs of the council meeting it compares with."""

    date: dt.date


@dataclass(frozen=True)
class Dashboard:
    overview: StrategyOverview
    as_of: dt.date
    goal_status: dict[str, GoalStatus]
    deliveries_per_step: dict[str, list[int]]  # goal code -> count per step
    last_meeting: LastMeeting | None
    changes_since_meeting: list[StatusChange]

    @property
    def cards(self) -> list[tuple[GoalCard, GoalStatus | None, list[tuple]]]:
        """Each goal's card, its status, and (phase, deliveries) along the chain."""
        return [
            (
                card,
                self.goal_status.get(card.code),
                list(zip(VALUE_CHAIN, self.deliveries_per_step[card.code], strict=True))
                if card.code in self.deliveries_per_step
                else [],
            )
            for card in self.overview.goals
        ]


def strategy_dashboard(
    *, as_of: dt.date | None = None, last_meeting: LastMeeting | None = None
) -> Dashboard:
    """Everything the strategy overview shows, as of a date (default today).

    ``last_meeting`` is the council meeting before that date, if any (the
    councils app finds it): the overview lists what changed since. Reads
    stored progress only; a fixed number of queries.
    """
    day = as_of or timezone.localdate()
    labels = dict(ProgressStatus.choices)
    goal_status = {
        code: GoalStatus(row.status, str(labels[row.status]), row.score, row.counts)
        for code, row in goal_progress_as_of(as_of=day).items()
    }
    changes = status_changes(since=last_meeting.date, until=day) if last_meeting else []
    return Dashboard(
        overview=strategy_overview(),
        as_of=day,
        goal_status=goal_status,
        deliveries_per_step=deliveries_per_step(as_of=as_of),
        last_meeting=last_meeting,
        changes_since_meeting=changes,
    )


def status_changes(*, since: dt.date, until: dt.date) -> list[StatusChange]:
    """Indicators whose status differs between two dates, in code order."""
    before = indicator_scores_as_of(as_of=since)  # pk -> (status, score)
    after = indicator_scores_as_of(as_of=until)
    changed_ids = [
        pk
        for pk, (status, _score) in after.items()
        if pk not in before or before[pk][0] != status
    ]
    labels = dict(ProgressStatus.choices)
    indicators = Indicator.objects.only(
        "code", "name_nb", "name_en", "is_demo"
    ).in_bulk(changed_ids)
    rows = [
        StatusChange(
            indicator_code=indicators[pk].code,
            indicator_name_nb=indicators[pk].name_nb,
            indicator_name_en=indicators[pk].name_en,
            is_demo=indicators[pk].is_demo,
            before=str(labels[before[pk][0]]) if pk in before else "–",
            after=str(labels[after[pk][0]]),
        )
        for pk in changed_ids
    ]
    return sorted(rows, key=lambda row: row.indicator_code)


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    status: str | None
    score: float | None
    series: list[tuple[float, float]]


@dataclass(frozen=True)
class GoalExplanation:
    """Why a goal has its status, as of a day: the indicators' scores, their
    mean and the band it falls in (``strategy.rollup``), from the snapshots
    the stored roll-up was made of."""

    lines: list[IndicatorLine]
    counted: list[IndicatorLine]  # those with a score: the mean is theirs
    mean: float | None
    all_achieved: bool
    bands: list[Band]

    @property
    def left_out(self) -> list[IndicatorLine]:
        return [line for line in self.lines if line.score is None]


def goal_explain(lines: list[IndicatorLine]) -> GoalExplanation:
    """Explain the roll-up of these indicator lines (``goal_rollup``'s rule)."""
    rollup = goal_rollup(
        [
            (line.status or ProgressStatus.NOT_AVAILABLE.value, line.score)
            for line in lines
        ]
    )
    counted = [line for line in lines if line.score is not None]
    return GoalExplanation(
        lines=lines,
        counted=counted,
        mean=rollup.score,
        all_achieved=bool(lines) and rollup.status == ProgressStatus.TARGET_ACHIEVED,
        bands=rollup_bands(rollup.score),
    )


@dataclass(frozen=True)
class GoalPage:
    goal: Goal
    as_of: dt.date
    status: GoalStatus | None
    indicators: list[IndicatorLine]
    initiatives: list

    @property
    def explanation(self) -> GoalExplanation:
        return goal_explain(self.indicators)


def goal_page(*, code: str, as_of: dt.date | None = None) -> GoalPage:
    """A goal with its sub-goals, indicators (status, sparkline) and initiatives,
    as of a date. A fixed number of queries; the page loads the goal's roadmap
    deliveries as a fragment of the roadmap."""
    day = as_of or timezone.localdate()
    goal = get_object_or_404(
        Goal.objects.prefetch_related(
            Prefetch("sub_goals", queryset=SubGoal.objects.order_by("order"))
        ),
        code=code,
    )
    indicators = list(
        goal.indicators.only(
            "code", "goal_id", "name_nb", "unit_label", "is_demo"
        ).order_by("code")
    )
    # Status and score only: the snapshots' components are not read here.
    scores = indicator_scores_as_of(goal_ids=[goal.pk], as_of=day)
    series = indicator_series(indicator_ids=[i.pk for i in indicators], as_of=day)
    lines = []
    for indicator in indicators:
        status, score = scores.get(indicator.pk, (None, None))
        lines.append(
            IndicatorLine(indicator, status, score, series.get(indicator.pk, []))
        )
    rollups = newest_as_of(GoalProgress, "goal", as_of=day, owners=Q(pk=goal.pk))
    rollup = next(iter(rollups), None)
    goal_status = (
        GoalStatus(
            rollup.status,
            str(ProgressStatus(rollup.status).label),
            rollup.score,
            rollup.counts,
        )
        if rollup
        else None
    )
    initiatives = list(
        Initiative.objects.filter(sub_goal__goal=goal)
        .select_related("sub_goal")
        .prefetch_related("responsible")
        .order_by("sub_goal__order", "order", "code")
    )
    return GoalPage(
        goal=goal,
        as_of=day,
        status=goal_status,
        indicators=lines,
        initiatives=initiatives,
    )
