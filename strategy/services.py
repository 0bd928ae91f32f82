"""Writes of the strategy app: the strategy itself, goal roll-ups, plan versions.

The roll-up layer: it sits above indicators and initiatives, and
``progress_recompute`` (indicator snapshots, then their goals) is the one
service the recompute tasks call.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.asof import fingerprint, last_fingerprints
from core.upsert import UpsertCounts, upsert
from indicators.models import Indicator
from indicators.services import indicator_update
from indicators.snapshots import METHOD_VERSION, snapshots_record
from initiatives.models import Initiative

from .models import (
    Goal,
    GoalProgress,
    PlanVersion,
    ProgressStatus,
    Strategy,
    SubGoal,
)
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


class PlanAdjustmentError(ValueError):
    """The adjustment cannot be made; nothing was written."""


def plan_state() -> dict:
    """The adjustable plan as it stands: targets and priorities, as JSON data."""

    def text(value):
        # Decimals as text, as JSON keeps them exactly; years stay numbers.
        return str(value) if isinstance(value, Decimal) else value

    return {
        "indicators": {
            row["code"]: {name: text(row[name]) for name in Indicator.TARGET_FIELDS}
            for row in Indicator.objects.values("code", *Indicator.TARGET_FIELDS)
        },
        "initiatives": {
            code: {"priority": priority}
            for code, priority in Initiative.objects.values_list("code", "priority")
        },
    }


@transaction.atomic
def plan_adjust(
    *,
    decision,
    user,
    reason: str,
    indicator=None,
    target_value=None,
    target_year: int | None = None,
    initiative=None,
    priority: int | None = None,
) -> PlanVersion:
    """Adjust the realization plan by a council decision; a new plan version.

    A target change goes through the indicator service, so it is recorded and
    applies from the decision's date; the first adjustment also stores the
    plan as it was before, as version 1.
    """
    if not reason.strip():
        raise PlanAdjustmentError(_("Say why the plan changes."))
    if indicator is None and initiative is None:
        raise PlanAdjustmentError(_("Choose an indicator or an initiative to adjust."))
    # Two adjustments at once must not take the same version number.
    last = PlanVersion.objects.select_for_update().order_by("-number").first()
    if last is None:
        last = PlanVersion.objects.create(
            number=1,
            summary=_("The plan before the first adjustment"),
            content=plan_state(),
            created_by=user,
        )
    if indicator is not None:
        fields = {"target_value": target_value}
        if target_year is not None:
            fields["target_year"] = target_year
        indicator_update(
            indicator=indicator,
            user=user,
            fields=fields,
            change_reason=reason.strip(),
            effective_from=decision.decided_on,
        )
    if initiative is not None:
        initiative.priority = priority
        initiative.full_clean()
        initiative.save(update_fields=["priority"])
    return PlanVersion.objects.create(
        number=last.number + 1,
        decision=decision,
        summary=reason.strip(),
        content=plan_state(),
        created_by=user,
    )
