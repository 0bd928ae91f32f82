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

from core.asof import fingerprint, last_fingerprints
from core.upsert import UpsertCounts, upsert
from indicators.snapshots import METHOD_VERSION, snapshots_record

from .models import Goal, GoalProgress, ProgressStatus, Strategy, SubGoal
from .rollup import goal_rollup
from .seed import Seed, SeedGoal
from .selectors import goal_indicator_ids, indicator_scores_as_of


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


def progress_recompute(
    *, indicator_ids: Iterable[int], as_of: dt.date | None = None
) -> RecomputeCounts:
    """Recompute these indicators as of a date (default today), then their goals.

    Idempotent: indicator snapshots and goal roll-ups are written only where
    their inputs changed. A fixed number of queries however many indicators.
    """
    as_of = as_of or timezone.localdate()
    recorded = snapshots_record(indicator_ids=indicator_ids, as_of=as_of)
    goals_created = goal_progress_record(goal_ids=recorded.goal_ids, as_of=as_of)
    return RecomputeCounts(
        snapshots_created=recorded.created,
        snapshots_unchanged=recorded.unchanged,
        goals_created=goals_created,
    )


def progress_history_recompute(
    *, indicator_ids: Iterable[int], days: Iterable[dt.date]
) -> None:
    """Recompute as of each of these days in turn (a history for as-of views)."""
    ids = list(indicator_ids)
    for day in days:
        progress_recompute(indicator_ids=ids, as_of=day)


@transaction.atomic
def goal_progress_record(*, goal_ids: list[int], as_of: dt.date) -> int:
    """Roll up these goals' indicator snapshots as of a date; return rows written.

    Idempotent like the indicator snapshots: a row only when the inputs
    fingerprint differs from the goal's newest one for that date.
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
    scores = indicator_scores_as_of(goal_ids=goal_ids, as_of=as_of)
    previous = last_fingerprints(
        GoalProgress, "goal_id", owner_ids=goal_ids, as_of=as_of
    )
    new_rows = []
    for goal_id in goal_ids:
        inputs = [_snapshot_input(pk, scores) for pk in members.get(goal_id, [])]
        key = fingerprint(METHOD_VERSION, inputs)
        if previous.get(goal_id) == key:
            continue
        rollup = goal_rollup([(status, score) for _pk, status, score in inputs])
        new_rows.append(
            GoalProgress(
                goal_id=goal_id,
                as_of=as_of,
                computed_at=computed_at,
                inputs_fingerprint=key,
                status=rollup.status,
                score=rollup.score,
                counts=rollup.counts,
            )
        )
    GoalProgress.objects.bulk_create(new_rows)
    return len(new_rows)


def _snapshot_input(pk: int, scores: dict) -> tuple[int, str, float | None]:
    """An indicator without a snapshot yet counts as not assessable."""
    status, score = scores.get(pk, (ProgressStatus.NOT_AVAILABLE.value, None))
    return (pk, status, score)
