"""The progress method of ARCHITECTURE.md §4, as pure functions.

The Open SDG / Statistics Canada growth-rate method (sdg-build's
``ProgressMeasure``): method 1 compares the observed compound annual growth rate
(CAGR) with fixed thresholds when an indicator has no target; method 2 divides
it by the growth rate needed to reach the target.

No Django import: this module is tested without a database and its results
depend only on its inputs (the series and the definition), never on the clock,
so that equal inputs always give equal snapshots.

Two choices the published method leaves open:

* The score is kept inside the band of the status (substantial ``[2.5, 5]``,
  moderate ``[0, 2.5)``, limited ``[-2.5, 0)``, deterioration ``[-5, -2.5)``).
  The published method-2 coefficients are rounded (7.1429 for 50/7, 4.1667 for
  25/6), so just below the 0.95 and 0.6 thresholds the formula overshoots the
  band by at most 1e-4; with threshold overrides the overshoot can be larger.
  Clamping keeps the status (defined by the value) and the score (used by the
  goal roll-up) from contradicting each other.
* "Now" in the council extras is the time of the current point, so the
  expected value on the straight line is the one the latest measurement should
  be compared with, and a snapshot stays true until its inputs change.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict, cast

METHOD_NO_TARGET = "open_sdg_1"
METHOD_TARGET = "open_sdg_2"

TARGET_ACHIEVED = "target_achieved"
SUBSTANTIAL = "substantial_progress"
MODERATE = "moderate_progress"
LIMITED = "limited_progress"
DETERIORATION = "deterioration"
NOT_AVAILABLE = "not_available"
# The one vocabulary of progress statuses, best first: indicator snapshots,
# goal roll-ups and their model choices (``strategy.models.ProgressStatus``)
# all use these.
STATUSES = (
    TARGET_ACHIEVED,
    SUBSTANTIAL,
    MODERATE,
    LIMITED,
    DETERIORATION,
    NOT_AVAILABLE,
)

DEFAULT_THRESHOLDS = {
    METHOD_NO_TARGET: {"high": 0.015, "med": 0.005, "low": 0.0},
    METHOD_TARGET: {"high": 0.95, "med": 0.6, "low": 0.0},
}
LIMIT_EXPONENT = 4.44
ZERO_REPLACEMENT = 0.001
SCORE_MAX = 5.0
# The largest magnitude a value can have (20 digits, 6 of them decimals). A
# figure of the method beyond it (a projection of ten years at 4,999,900 %
# a year) is stored as None and named in ``out_of_range``: "outside the
# measurable range". The bound also keeps every stored number an ordinary JSON
# number: PostgreSQL's jsonb reads a float of 2**63 or more back as an integer
# that no JSON encoder of the API accepts.
MEASURABLE_MAX = 1e14

# Half-open score bands per status; the lower bound is included.
SCORE_BANDS = {
    SUBSTANTIAL: (2.5, SCORE_MAX),
    MODERATE: (0.0, 2.5),
    LIMITED: (-2.5, 0.0),
    DETERIORATION: (-SCORE_MAX, -2.5),
}

# Why a status is not available; stored in the components as ``reason``.
REASON_NO_DATA = "no_current_value"
REASON_TOO_FEW_POINTS = "fewer_than_two_points"
REASON_TOO_SHORT = "less_than_a_year"
REASON_OPPOSITE_SIGNS = "opposite_signs"
REASON_TARGET_UNREACHABLE = "target_growth_undefined"


@dataclass(frozen=True)
class Definition:
    """What the method needs to know about an indicator."""

    direction: str  # "increase" or "decrease"
    target_year: int
    baseline_value: float | None = None
    baseline_year: int | None = None
    target_value: float | None = None
    limit: float | None = None
    thresholds: dict[str, float] | None = None  # overrides of high / med / low


class Components(TypedDict):
    """Every figure of one run of the method, stored with its snapshot so that
    any status can be explained (``explain.py``), drawn (``dashboard.py``) and
    frozen in a meeting pack. Snapshots stored by an older method version may
    lack keys: readers use ``.get``."""

    direction: int  # +1 increase, -1 decrease
    n_values: int
    target_time: float
    target_value: float | None
    limit: float | None
    reason: str | None  # why not available (REASON_*), else None
    target_achieved: bool | None
    sign: int | None
    base_value_used: float | None  # y0 after the zero replacement
    target_value_used: float | None
    cagr_observed: float | None
    cagr_target: float | None
    coefficient: float | None  # the limit coefficient C (method 1)
    thresholds: dict[str, float] | None
    projected_value_at_target: float | None
    # The projection stopped at the natural limit, which the observed pace
    # would reach at ``limit_reached_time``.
    projection_at_limit: bool
    limit_reached_time: float | None
    expected_value_now: float | None
    share_of_distance_covered: float | None
    required_annual_growth: float | None
    base_source: str  # "baseline" or "earliest_value"
    base_time: float | None
    base_value: float | None
    current_time: float | None
    current_value: float | None
    out_of_range: list[str]  # figures beyond MEASURABLE_MAX, stored as None


def stored_components(data: object) -> Components:
    """Components as stored (JSON) with a snapshot or a frozen pack, typed.

    A snapshot stored before figures were bounded may hold a number beyond
    ``MEASURABLE_MAX``; it is read as out of range, like a new one.
    """
    if not isinstance(data, dict):
        return cast(Components, {})
    return cast(Components, _bounded(data))


def _bounded(figures: dict) -> dict:
    """Figures with every number beyond the measurable range replaced by None
    and named in ``out_of_range`` (flat: only thresholds nest, and they are
    bounded where they are read)."""
    beyond = [key for key, value in figures.items() if _out_of_range(value)]
    if not beyond:
        return figures
    named = [*figures.get("out_of_range", []), *beyond]
    return {
        **{key: None if key in beyond else value for key, value in figures.items()},
        "out_of_range": named,
    }


def _out_of_range(value: object) -> bool:
    """A number (not a bool) that is not finite or is too large. The chained
    comparison is False for NaN, so NaN is out of range too; it runs for
    every component of every snapshot, hence no call to math.isfinite."""
    if value.__class__ is not float and value.__class__ is not int:
        return False
    return not -MEASURABLE_MAX < value < MEASURABLE_MAX


@dataclass(frozen=True)
class Result:
    status: str
    score: float | None
    progress_value: float | None
    method: str
    components: Components


def decimal_year(year: int, month: int = 1) -> float:
    """The time of a period that starts in this month: ``year + (month-1)/12``."""
    return year + (month - 1) / 12


def cagr(v1: float, v0: float, t1: float, t0: float) -> float | None:
    """``(v1/v0) ** (1/(t1-t0)) - 1``, or None where it is undefined.

    Undefined: a zero base or zero time span, values of opposite signs (the root
    of a negative number), or a result too large for a float.
    """
    if v0 == 0 or t1 == t0:
        return None
    ratio = v1 / v0
    if ratio < 0:
        return None
    try:
        return ratio ** (1 / (t1 - t0)) - 1
    except (OverflowError, ZeroDivisionError):
        return None


def limit_coefficient(base: float, limit: float) -> float:
    """The threshold reduction ``C`` near a natural limit (1 far from it, 0 on it)."""
    b, lim = abs(base), abs(limit)
    # First, so that a zero limit and a zero base give 1, as in sdg-build.
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return 1 - (b / lim) ** LIMIT_EXPONENT
    return 1 - ((2 * lim - b) / lim) ** LIMIT_EXPONENT


def status_from_value(value: float, thresholds: dict[str, float]) -> str:
    if value >= thresholds["high"]:
        return SUBSTANTIAL
    if value >= thresholds["med"]:
        return MODERATE
    if value >= thresholds["low"]:
        return LIMITED
    return DETERIORATION


def score_method_2(value: float) -> float:
    if value >= 0.6:
        return min(7.1429 * value - 4.2857, SCORE_MAX)
    return max(4.1667 * value - 2.5, -SCORE_MAX)


def score_method_1(value: float, thresholds: dict[str, float], c: float) -> float:
    if value < thresholds["low"]:
        return max(125 * value - 2.5, -SCORE_MAX)
    if c == 0:
        return SCORE_MAX
    if value >= thresholds["high"]:
        return min(500 * value / c - 5, SCORE_MAX)
    if value >= thresholds["med"]:
        return 250 * value / c - 1.25
    return 500 * value / c - 2.5


def clamp_to_band(score: float, status: str) -> float:
    """Keep a score inside its status' band (see the module docstring)."""
    low, high = SCORE_BANDS[status]
    if status != SUBSTANTIAL:
        high = math.nextafter(high, -math.inf)  # the upper bound is excluded
    return min(max(score, low), high)


def status_from_score(score: float) -> str:
    """The status whose band holds this score (used for goal roll-ups)."""
    for status, (low, _high) in SCORE_BANDS.items():
        if score >= low:
            return status
    return DETERIORATION


def compute(points: Sequence[tuple[float, float]], definition: Definition) -> Result:
    """Progress of one indicator from its approved ``(time, value)`` points.

    ``points`` are the official values as of the date of interest, in any order,
    at most one per time.
    """
    c = _Calculation(points, definition)
    return c.result()


class _Calculation:
    """One run of the method; every intermediate ends up in ``components``."""

    def __init__(self, points: Sequence[tuple[float, float]], d: Definition):
        self.d = d
        self.series = sorted(points)
        self.method = METHOD_NO_TARGET if d.target_value is None else METHOD_TARGET
        self.direction = 1 if d.direction == "increase" else -1
        self.components: Components = {
            "direction": self.direction,
            "n_values": len(self.series),
            "target_time": float(d.target_year),
            "target_value": d.target_value,
            "limit": d.limit,
            "reason": None,
            "target_achieved": None,
            # Filled in where they can be computed; None where they cannot.
            "sign": None,
            "base_value_used": None,
            "target_value_used": None,
            "cagr_observed": None,
            "cagr_target": None,
            "coefficient": None,
            "thresholds": None,
            "projected_value_at_target": None,
            "projection_at_limit": False,
            "limit_reached_time": None,
            "expected_value_now": None,
            "share_of_distance_covered": None,
            "required_annual_growth": None,
            # Set by _base_point and _record_points below.
            "base_source": "",
            "base_time": None,
            "base_value": None,
            "current_time": None,
            "current_value": None,
            "out_of_range": [],
        }
        self.base = self._base_point()
        self.current = self.series[-1] if self.series else None
        self._record_points()

    def _base_point(self) -> tuple[float, float] | None:
        d = self.d
        if d.baseline_value is not None and d.baseline_year is not None:
            self.components["base_source"] = "baseline"
            return (float(d.baseline_year), d.baseline_value)
        self.components["base_source"] = "earliest_value"
        return self.series[0] if self.series else None

    def _record_points(self) -> None:
        base, current = self.base, self.current
        self.components.update(
            {
                "base_time": base[0] if base else None,
                "base_value": base[1] if base else None,
                "current_time": current[0] if current else None,
                "current_value": current[1] if current else None,
            }
        )

    def result(self) -> Result:
        if self.current is None:
            return self._not_available(REASON_NO_DATA)
        if self._target_achieved():
            self.components["target_achieved"] = True
            self._extras()
            return self._result(TARGET_ACHIEVED, SCORE_MAX, None)
        self.components["target_achieved"] = False
        reason = self._unavailable_reason()
        if reason:
            return self._not_available(reason)
        self._extras()
        if self.method == METHOD_TARGET:
            return self._method_2()
        return self._method_1()

    def _target_achieved(self) -> bool:
        target = self.d.target_value
        if target is None or self.current is None:
            return False
        yt = self.current[1]
        return yt >= target if self.direction == 1 else yt <= target

    def _unavailable_reason(self) -> str | None:
        times = {t for t, _ in self.series}
        if self.base is not None:
            times.add(self.base[0])
        if self.base is None or len(times) < 2:
            return REASON_TOO_FEW_POINTS
        assert self.current is not None
        if self.current[0] - self.base[0] < 1:
            return REASON_TOO_SHORT
        if self._y0() * self.current[1] < 0:
            return REASON_OPPOSITE_SIGNS
        return None

    # -- the two methods ------------------------------------------------------

    def _method_1(self) -> Result:
        thresholds = self._thresholds()
        c = 1.0
        if self.d.limit is not None:
            c = limit_coefficient(self._y0(), self.d.limit)
            thresholds = {k: v * c for k, v in thresholds.items()}
        self.components.update({"coefficient": c, "thresholds": thresholds})
        observed = self.components["cagr_observed"]
        # Defined: _unavailable_reason has ruled out a short span and
        # opposite signs, the only ways the observed growth rate is undefined.
        assert observed is not None
        value = self._sign() * self.direction * observed
        status = status_from_value(value, thresholds)
        score = score_method_1(value, thresholds, c)
        return self._result(status, clamp_to_band(score, status), value)

    def _method_2(self) -> Result:
        thresholds = self._thresholds()
        self.components.update({"coefficient": None, "thresholds": thresholds})
        required = self.components["cagr_target"]
        if not required:  # target equals base, or its sign differs from the base
            return self._not_available(REASON_TARGET_UNREACHABLE)
        observed = self.components["cagr_observed"]
        # Defined: _unavailable_reason has ruled out a short span and
        # opposite signs, the only ways the observed growth rate is undefined.
        assert observed is not None
        value = self._sign() * self.direction * observed / abs(required)
        status = status_from_value(value, thresholds)
        return self._result(status, clamp_to_band(score_method_2(value), status), value)

    def _thresholds(self) -> dict[str, float]:
        merged = dict(DEFAULT_THRESHOLDS[self.method])
        for key, value in (self.d.thresholds or {}).items():
            # Overrides are typed in by people: ignore unknown keys and non-numbers.
            number = type(value) in (int, float) and not _out_of_range(value)
            if key in merged and number:
                merged[key] = float(value)
        return merged

    # -- inputs with the method's substitutions -------------------------------

    def _y0(self) -> float:
        assert self.base is not None
        return self.base[1] or ZERO_REPLACEMENT

    def _y_target(self) -> float | None:
        target = self.d.target_value
        return None if target is None else (target or ZERO_REPLACEMENT)

    def _sign(self) -> int:
        assert self.base is not None
        return -1 if self.base[1] < 0 else 1

    # -- the council extras ---------------------------------------------------

    def _extras(self) -> None:
        """Growth rates and the figures a council asks for; None where undefined."""
        if self.base is None or self.current is None:
            return
        (t0, _), (t, yt) = self.base, self.current
        y0, y_target, big_t = self._y0(), self._y_target(), float(self.d.target_year)
        observed = cagr(yt, y0, t, t0) if t - t0 >= 1 else None
        self.components.update(
            {
                "sign": self._sign(),
                "base_value_used": y0,
                "target_value_used": y_target,
                "cagr_observed": observed,
            }
        )
        self._projection(t, yt, observed, big_t)
        if y_target is None:
            return
        required = cagr(y_target, yt, big_t, t) if t < big_t else None
        self.components.update(
            {
                "cagr_target": cagr(y_target, y0, big_t, t0),
                "expected_value_now": _on_line(t, (t0, y0), (big_t, y_target)),
                "share_of_distance_covered": _share(yt, y0, y_target),
                "required_annual_growth": required,
            }
        )

    def _projection(self, t: float, yt: float, growth: float | None, big_t: float):
        """The value at the target year at the observed pace, never past the
        natural limit: for an indicator that should increase the limit is a
        ceiling (100 %), for one that should decrease a floor."""
        projected = _projected(yt, growth, big_t - t)
        limit = self.d.limit
        beyond = (
            projected is not None
            and limit is not None
            and (projected - limit) * self.direction > 0
        )
        if beyond:
            assert limit is not None and growth is not None
            self.components.update(
                {
                    "projected_value_at_target": limit,
                    "projection_at_limit": True,
                    "limit_reached_time": _time_to_reach(yt, limit, growth, t),
                }
            )
            return
        self.components["projected_value_at_target"] = projected

    # -- results --------------------------------------------------------------

    def _not_available(self, reason: str) -> Result:
        self.components["reason"] = reason
        return self._result(NOT_AVAILABLE, None, None)

    def _result(self, status: str, score: float | None, value: float | None) -> Result:
        return Result(
            status=status,
            score=score,
            progress_value=_finite(value),
            method=self.method,
            components=cast(Components, _bounded(dict(self.components))),
        )


def _projected(yt: float, growth: float | None, years: float) -> float | None:
    if growth is None:
        return None
    try:
        return yt * (1 + growth) ** years
    except (OverflowError, ZeroDivisionError):
        return None


def _time_to_reach(yt: float, level: float, growth: float, t: float) -> float | None:
    """When growing ``growth`` a year from ``yt`` at ``t`` reaches ``level``
    (at ``t`` when it is there already)."""
    try:
        return max(t, t + math.log(level / yt) / math.log(1 + growth))
    except (ValueError, ZeroDivisionError):  # no such time
        return None


def _on_line(t: float, start: tuple[float, float], end: tuple[float, float]):
    (t0, y0), (t1, y1) = start, end
    if t1 == t0:
        return None
    return y0 + (y1 - y0) * (t - t0) / (t1 - t0)


def _share(yt: float, y0: float, y_target: float) -> float | None:
    if y_target == y0:
        return None
    return (yt - y0) / (y_target - y0)


def _finite(value):
    """A progress value is stored as a float column: no NaN or infinity."""
    if value.__class__ is float and not math.isfinite(value):
        return None
    return value
