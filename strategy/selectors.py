from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from .models import Goal, Strategy, SubGoal


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
            SubGoalRow(s.code, s.title_nb, s.initiative_count)
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
