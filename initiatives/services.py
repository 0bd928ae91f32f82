from core.upsert import UpsertCounts, upsert
from strategy.models import SubGoal
from strategy.seed import SeedInitiative, SeedPhase

from .models import Initiative, RoadmapPhase


def initiatives_load_from_seed(
    *,
    initiatives: list[SeedInitiative],
    sub_goals: dict[str, SubGoal],
    counts: UpsertCounts,
) -> None:
    """Create or update the strategic initiatives of the seed, matched by code."""
    for item in initiatives:
        upsert(
            Initiative,
            lookup={"code": item.code},
            values={
                "name_nb": item.name_nb,
                "name_en": item.name_en,
                "sub_goal": sub_goals[item.sub_goal_code],
                "description_nb": item.description_nb,
                "order": item.order,
                "sources": item.sources,
            },
            counts=counts,
        )


def phases_load_from_seed(*, phases: list[SeedPhase], counts: UpsertCounts) -> None:
    """Create or update the roadmap's value-chain phases, matched by order."""
    for phase in phases:
        upsert(
            RoadmapPhase,
            lookup={"order": phase.order},
            values={"name_nb": phase.name_nb, "sources": phase.sources},
            counts=counts,
        )
