"""Writes of the strategy app: the strategy itself and the goal roll-ups.

The roll-up layer: it sits above indicators, and ``progress_recompute``
(indicator snapshots, then their goals) is the one service the recompute tasks
call. Plan versions are written by ``plan.py``.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.asof import NewestKeys, fingerprint
from core.upsert import UpsertCounts, upsert
from indicators.snapshots import (
    METHOD_VERSION,
    series_snapshots_record,
    snapshots_record,
)

from .models import Goal, GoalProgress, ProgressStatus, Strategy, SubGoal
from .rollup import goal_rollup
from .seed import Seed, SeedGoal
from .selectors import (
    IndicatorScores,
    goal_indicator_ids,
    goal_rollup_rows,
    indicator_score_rows,
)


def strategy_load_seed(*, seed: Seed, counts: UpsertCounts) -> dict[str, SubGoal]:
    """Load the strategy, its goals and sub-goals from a validated seed.

    Idempotent: rows are matched by their codes, so a second run changes
    nothing and a run after an edit of the file updates rows instead of
    duplicating them. Returns the sub-goals by code, for the initiatives'
    loader; ``load_strategy`` calls each app's loader in one transaction.
    """
    s = seed.strategy
    strategy = upsert(
        Strategy,
        lookup={"start_year": s.start_year, "end_year": s.end_year},
        values={
            "title_nb": s.title_nb,
            "vision_nb": s.vision_nb,
            "overarching_goals_nb": s.overarching_goals_nb,
            "owner": s.owner,
            "document_version": s.document_version,
            "sources": s.sources,
        },
        counts=counts,
    )
    sub_goals: dict[str, SubGoal] = {}
    for seed_goal in seed.goals:
        goal = _goal_upsert(strategy, seed_goal, counts)
        for seed_sub in seed_goal.sub_goals:
            sub_goals[seed_sub.code] = upsert(
                SubGoal,
                lookup={"code": seed_sub.code, "strategy_version": s.document_version},
                values={
                    "goal": goal,
                    "title_nb": seed_sub.title_nb,
                    "order": seed_sub.order,
                    # Sub-goals come from the strategy document and its goal page.
                    "sources": seed_goal.sources,
                },
                counts=counts,
            )
    return sub_goals


def _goal_upsert(strategy: Strategy, seed_goal: SeedGoal, counts: UpsertCounts) -> Goal:
    return upsert(
        Goal,
        lookup={"code": seed_goal.code},
        values={
            "strategy": strategy,
            "title_nb": seed_goal.title_nb,
            "title_en": seed_goal.title_en,
            "description_nb": seed_goal.description_nb,
            "kind": seed_goal.kind,
            "order": seed_goal.order,
            "strategy_version": strategy.document_version,
            "sources": seed_goal.sources,
        },
        counts=counts,
    )


@dataclass(frozen=True)
class RecomputeCounts:
    snapshots_created: int
    snapshots_unchanged: int
    goals_created: int


@transaction.atomic
def progress_recompute(
    *, indicator_ids: Iterable[int], as_of: dt.date | None = None, full: bool = False
) -> RecomputeCounts:
    """Bring these indicators' snapshots and their goals' roll-ups up to a date
    (default today): a row for every day their inputs changed since their
    newest one (with ``full``, since the beginning).

    One transaction: a worker killed between the snapshots and the roll-up
    leaves neither, so no goal is ever behind its indicators, and a lost
    message is made good by the sweep (the snapshots are then missing too).
    Idempotent: rows are written only where their inputs changed. A fixed
    number of queries however many indicators.
    """
    as_of = as_of or timezone.localdate()
    indicator_ids = list(indicator_ids)
    recorded = snapshots_record(indicator_ids=indicator_ids, as_of=as_of, full=full)
    series_snapshots_record(indicator_ids=indicator_ids, as_of=as_of, full=full)
    goals_created = goal_progress_record(
        goal_ids=recorded.goal_ids,
        as_of=as_of,
        changed_days=recorded.goal_days,
        full=full,
    )
    return RecomputeCounts(
        snapshots_created=recorded.created,
        snapshots_unchanged=recorded.unchanged,
        goals_created=goals_created,
    )


@transaction.atomic
def goal_progress_record(
    *,
    goal_ids: list[int],
    as_of: dt.date,
    changed_days: dict[int, set[dt.date]] | None = None,
    full: bool = False,
) -> int:
    """Roll up these goals' indicator snapshots up to a date; return rows written.

    A roll-up for ``as_of``, for every day since the goal's newest roll-up on
    which one of its indicators has a snapshot, and for every day in
    ``changed_days`` (where the caller wrote snapshots, however early) and
    every later day the goal has a roll-up for (which may now miss one of
    them); with ``full``, for every day. Idempotent like the indicator
    snapshots: a row only where the inputs fingerprint differs from the
    goal's newest one at or before that day. A fixed number of queries.
    """
    if not goal_ids:
        return 0
    # Concurrent recomputes of indicators of one goal: each rolls up only after
    # taking the goal's lock, so the last to write has read every snapshot
    # committed before it, and a stale roll-up can never be the newest row.
    list(
        Goal.objects.select_for_update(no_key=True)
        .filter(pk__in=goal_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    computed_at = timezone.now()
    members = goal_indicator_ids(goal_ids=goal_ids)
    rollups = goal_rollup_rows(goal_ids=goal_ids)
    plans = {
        goal_id: _RollupPlan(
            rollups.get(goal_id, []), (changed_days or {}).get(goal_id, set()), as_of
        )
        for goal_id in goal_ids
    }
    starts = [plan.reads_from() for plan in plans.values()]
    first_day = None if full or None in starts else min(d for d in starts if d)
    last_day = max(plan.last_day() for plan in plans.values())
    scores = IndicatorScores(
        indicator_score_rows(goal_ids=goal_ids, since=first_day, until=last_day)
    )
    new_rows = []
    for goal_id, plan in plans.items():
        new_rows += _goal_rows(
            goal_id,
            members.get(goal_id, []),
            plan.days(scores, full=full),
            plan.rollups,
            scores,
            computed_at,
        )
    GoalProgress.objects.bulk_create(new_rows)
    return len(new_rows)


class _RollupPlan:
    """Which days one goal is rolled up for."""

    def __init__(
        self, rollups: list[tuple[dt.date, str]], changed: set[dt.date], as_of: dt.date
    ):
        self.rollups, self.changed, self.as_of = rollups, changed, as_of
        self.newest = max((d for d, _key in rollups if d <= as_of), default=None)

    def reads_from(self) -> dt.date | None:
        """The first day whose snapshots matter; None: from the beginning."""
        if self.newest is None:
            return None
        return min([self.newest + dt.timedelta(days=1), *self.changed])

    def last_day(self) -> dt.date:
        return max([self.as_of, *(d for d, _key in self.rollups)])

    def days(self, scores: "IndicatorScores", *, full: bool) -> list[dt.date]:
        since = None if full else self.newest
        earliest = dt.date.min if full else min(self.changed, default=self.as_of)
        return sorted(
            {
                self.as_of,
                *self.changed,
                *(d for d, _key in self.rollups if d >= earliest),
                *scores.days_between(since, self.as_of),
            }
        )


def _goal_rows(
    goal_id: int,
    members: list[int],
    days: list[dt.date],
    rollups: list[tuple[dt.date, str]],
    scores: IndicatorScores,
    computed_at: dt.datetime,
) -> list[GoalProgress]:
    """The roll-ups to write for one goal, day by day."""
    rows: list[GoalProgress] = []
    newest = NewestKeys(rollups)
    for day in days:
        current = scores.at(day)
        inputs = [_snapshot_input(pk, current) for pk in members]
        key = fingerprint(METHOD_VERSION, inputs)
        if newest.at(day) == key:
            continue
        newest.wrote(key)
        rollup = goal_rollup([(status, score) for _pk, status, score in inputs])
        rows.append(
            GoalProgress(
                goal_id=goal_id,
                as_of=day,
                computed_at=computed_at,
                inputs_fingerprint=key,
                status=rollup.status,
                score=rollup.score,
                counts=rollup.counts,
            )
        )
    return rows


def _snapshot_input(pk: int, scores: dict) -> tuple[int, str, float | None]:
    """An indicator without a snapshot yet counts as not assessable."""
    status, score = scores.get(pk, (ProgressStatus.NOT_AVAILABLE.value, None))
    return (pk, status, score)
