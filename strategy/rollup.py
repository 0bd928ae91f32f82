"""A goal's roll-up of its indicators' progress (ARCHITECTURE.md §4), pure.

No Django import, like ``indicators.progress`` whose statuses it uses.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from indicators.progress import (
    NOT_AVAILABLE,
    SCORE_BANDS,
    STATUSES,
    TARGET_ACHIEVED,
    status_from_score,
)


@dataclass(frozen=True)
class GoalRollup:
    status: str
    score: float | None
    counts: dict[str, int]


def goal_rollup(indicators: Sequence[tuple[str, float | None]]) -> GoalRollup:
    """Roll up ``(status, score)`` pairs, one per indicator of the goal.

    The score is the mean of the scores that exist; the status follows from
    it, except that a goal has achieved its target only when every one of its
    indicators has (one that cannot be assessed has not). Without any score the
    goal cannot be assessed.
    """
    counts = Counter(status for status, _score in indicators)
    scores = [score for _status, score in indicators if score is not None]
    if not scores:
        return GoalRollup(NOT_AVAILABLE, None, _all_statuses(counts))
    mean = sum(scores) / len(scores)
    if counts[TARGET_ACHIEVED] == len(indicators):
        status = TARGET_ACHIEVED
    else:
        status = status_from_score(mean)
    return GoalRollup(status, mean, _all_statuses(counts))


def _all_statuses(counts: Counter) -> dict[str, int]:
    return {status: counts[status] for status in STATUSES}


@dataclass(frozen=True)
class Band:
    """A score band of the goal's status: ``low <= score < high`` (the top band
    includes 5)."""

    status: str
    low: float
    high: float
    reached: bool


def rollup_bands(score: float | None) -> list[Band]:
    """The bands a goal's mean score falls in, best first, the one reached
    marked (none without a score)."""
    reached = None if score is None else status_from_score(score)
    return [
        Band(status, low, high, status == reached)
        for status, (low, high) in SCORE_BANDS.items()
    ]
