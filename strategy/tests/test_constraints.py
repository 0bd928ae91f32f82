"""The strategy's invariants hold in the database itself, not only in forms."""

import pytest

from tests.factories import GoalFactory, StrategyFactory
from tests.helpers import assert_refused

pytestmark = pytest.mark.django_db


def test_goal_kind_must_be_known():
    assert_refused("goal_kind_valid", lambda: GoalFactory(kind="other"))


def test_strategy_period_runs_forward():
    assert_refused(
        "strategy_start_before_end",
        lambda: StrategyFactory(start_year=2030, end_year=2023),
    )
