"""Is a value far off its indicator's history? A robust check, pure.

The check looks at the changes from one period to the next (per period of
the indicator's frequency, so a gap of two quarters counts as two steps), not
at the levels: a series that grows steadily has levels far from their mean
but ordinary changes. The typical change is the median of the history's
changes and the spread their median absolute deviation (MAD), both untouched
by the one wild value a mean and a standard deviation would be pulled by.
Changes are relative (of the logarithm) when every value is positive, else
absolute.

A new value is flagged when its change from the period before (or, for the
earliest period, to the one after) lies more than ``THRESHOLD`` robust
standard deviations from the typical change. When the value before is itself
the odd one (1 234,5 approved by mistake among values near 13) and the new
value fits the value before that, the new value is not blamed.

No Django import, like ``progress.py``; the selectors say the result in words.
"""

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# Iglewicz and Hoaglin's cut-off for the modified z-score.
THRESHOLD = 3.5
MAD_TO_SD = 1.4826  # MAD x this estimates the standard deviation of normal data
MIN_CHANGES = 3  # fewer changes tell nothing about what is usual
# When most changes are equal (a constant series) the MAD is zero: a change
# is then measured against 1 % a period (relative) or 1 % of the typical level.
FLOOR = 0.01

Point = tuple[int, float]  # (period number in the indicator's frequency, value)


@dataclass(frozen=True)
class Jump:
    """An unusual change between two periods, as a person should read it."""

    from_period: int
    from_value: float
    to_period: int
    to_value: float
    relative: bool  # the changes are rates (0.05 is 5 %), else plain differences
    change: float  # from ``from_value`` to ``to_value``, over all steps between
    typical: float  # the usual change per period


def unusual_change(history: Sequence[Point], new: Point) -> Jump | None:
    """The unusual change the new value makes, or None when it looks ordinary.

    ``history`` holds the indicator's official values; one of the new value's
    period is left out (the new value would replace it).
    """
    points = sorted(p for p in history if p[0] != new[0])
    if len(points) < MIN_CHANGES + 1:
        return None
    relative = all(v > 0 for _k, v in points) and new[1] > 0
    scale = _Scale(points, relative)
    before = [p for p in points if p[0] < new[0]]
    after = [p for p in points if p[0] > new[0]]
    if before:
        jump = scale.jump(before[-1], new)
        if jump and len(before) >= 2 and scale.is_odd(before[-2], before[-1]):
            # The value before is the odd one if skipping it leaves nothing odd.
            return scale.jump(before[-2], new)
        if jump and after:
            # A value between two others is odd only if it breaks from both.
            return jump if scale.jump(new, after[0]) else None
        return jump
    return scale.jump(new, after[0])


class _Scale:
    """The history's typical change and spread, and the test against them."""

    def __init__(self, points: list[Point], relative: bool):
        self.relative = relative
        changes = [self._step(a, b) for a, b in itertools.pairwise(points)]
        self.typical = statistics.median(changes)
        mad = statistics.median(abs(c - self.typical) for c in changes)
        level = statistics.median(abs(v) for _k, v in points)
        floor = FLOOR if relative else FLOOR * level or FLOOR
        self.spread = max(MAD_TO_SD * mad, floor)

    def _level(self, value: float) -> float:
        return math.log(value) if self.relative else value

    def _step(self, a: Point, b: Point) -> float:
        """The change from ``a`` to ``b`` per period."""
        return (self._level(b[1]) - self._level(a[1])) / (b[0] - a[0])

    def is_odd(self, a: Point, b: Point) -> bool:
        return abs(self._step(a, b) - self.typical) > THRESHOLD * self.spread

    def jump(self, a: Point, b: Point) -> Jump | None:
        if not self.is_odd(a, b):
            return None
        if self.relative:
            change, typical = b[1] / a[1] - 1, math.expm1(self.typical)
        else:
            change, typical = b[1] - a[1], self.typical
        return Jump(a[0], a[1], b[0], b[1], self.relative, change, typical)
