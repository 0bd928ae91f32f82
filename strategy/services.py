from django.db import transaction

from core.upsert import UpsertCounts, upsert
from councils.services import councils_load_from_seed
from initiatives.services import initiatives_load_from_seed, phases_load_from_seed

from .models import Goal, Strategy, SubGoal
from .seed import Seed, SeedGoal


@transaction.atomic
def strategy_load_seed(*, seed: Seed) -> UpsertCounts:
    """Load the real strategy from a validated seed; idempotent.

    Rows are matched by their codes, so a second run changes nothing and a run
    after an edit of the file updates rows instead of duplicating them.
    """
    counts = UpsertCounts()
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
    initiatives_load_from_seed(
        initiatives=[i for g in seed.goals for i in g.initiatives],
        sub_goals=sub_goals,
        counts=counts,
    )
    phases_load_from_seed(phases=seed.phases, counts=counts)
    councils_load_from_seed(councils=seed.councils, counts=counts)
    return counts


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
