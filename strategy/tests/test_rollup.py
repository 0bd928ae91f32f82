"""Goal roll-up: the pure rule, the stored rows and their as-of reads."""

import datetime as dt

import pytest

from indicators.models import ProgressSnapshot
from strategy.rollup import goal_rollup
from strategy.selectors import goal_progress_as_of
from strategy.services import goal_progress_record
from tests.factories import GoalFactory, IndicatorFactory

# -- the rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "status"),
    [
        ([5.0, 0.0], "substantial_progress"),  # mean 2.5: the boundary
        ([2.4, 2.5], "moderate_progress"),  # mean 2.45
        ([0.0, 0.0], "moderate_progress"),
        ([-1.0, 0.5], "limited_progress"),  # mean -0.25
        ([-2.5, -2.5], "limited_progress"),
        ([-5.0, -0.1], "deterioration"),  # mean -2.55
    ],
)
def test_status_follows_the_mean_score(scores, status):
    rollup = goal_rollup([("limited_progress", score) for score in scores])
    assert rollup.score == pytest.approx(sum(scores) / len(scores))
    assert rollup.status == status


def test_indicators_without_a_score_are_left_out_of_the_mean():
    rollup = goal_rollup([("substantial_progress", 3.0), ("not_available", None)])
    assert rollup.score == 3.0
    assert rollup.counts["not_available"] == 1
    assert rollup.counts["substantial_progress"] == 1
    assert rollup.counts["deterioration"] == 0


def test_target_achieved_only_when_every_indicator_has_achieved_it():
    assert (
        goal_rollup([("target_achieved", 5.0), ("target_achieved", 5.0)]).status
        == "target_achieved"
    )
    assert (
        goal_rollup([("target_achieved", 5.0), ("not_available", None)]).status
        == "substantial_progress"
    )


def test_a_goal_without_scores_cannot_be_assessed():
    assert goal_rollup([]).status == "not_available"
    rollup = goal_rollup([("not_available", None)])
    assert rollup.status == "not_available"
    assert rollup.score is None


# -- stored rows -------------------------------------------------------------------


def snapshot(indicator, as_of, status, score):
    return ProgressSnapshot.objects.create(
        indicator=indicator,
        as_of=as_of,
        computed_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        inputs_fingerprint=f"{indicator.pk}-{as_of}-{status}",
        method="open_sdg_2",
        status=status,
        score=score,
    )


@pytest.mark.django_db
def test_goal_progress_is_written_once_per_change_and_read_as_of():
    goal = GoalFactory(code="M1")
    first, second = IndicatorFactory(goal=goal), IndicatorFactory(goal=goal)
    snapshot(first, dt.date(2025, 1, 1), "substantial_progress", 4.0)
    snapshot(second, dt.date(2025, 1, 1), "deterioration", -3.0)
    march, june = dt.date(2025, 3, 1), dt.date(2025, 6, 1)

    # A roll-up for the day its indicators' snapshots changed, not for March.
    assert goal_progress_record(goal_ids=[goal.pk], as_of=march) == 1
    assert goal_progress_record(goal_ids=[goal.pk], as_of=march) == 0
    snapshot(second, dt.date(2025, 5, 1), "moderate_progress", 2.0)
    assert goal_progress_record(goal_ids=[goal.pk], as_of=june) == 1
    assert list(goal.progress.order_by("as_of").values_list("as_of", flat=True)) == [
        dt.date(2025, 1, 1),
        dt.date(2025, 5, 1),
    ]

    assert goal_progress_as_of(as_of=dt.date(2024, 12, 31)) == {}
    in_april = goal_progress_as_of(as_of=dt.date(2025, 4, 30))["M1"]
    assert in_april.score == pytest.approx(0.5)
    assert in_april.status == "moderate_progress"
    in_may = goal_progress_as_of(as_of=dt.date(2025, 5, 1))["M1"]
    assert in_may.score == pytest.approx(3.0)
    assert in_may.status == "substantial_progress"
    assert in_may.counts["substantial_progress"] == 1
    assert in_may.counts["moderate_progress"] == 1


@pytest.mark.django_db
def test_goal_without_indicators_cannot_be_assessed():
    goal = GoalFactory()
    goal_progress_record(goal_ids=[goal.pk], as_of=dt.date(2025, 1, 1))
    assert goal.progress.get().status == "not_available"
