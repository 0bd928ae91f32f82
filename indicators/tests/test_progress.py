"""The progress method (ARCHITECTURE.md §4), hand-computed, without a database.

Series are built so that the growth rates come out round: 100 → 121 over two
years is a CAGR of exactly 10 %, and a target of 100 · 1.1¹⁰ in 2030 needs
exactly 10 % a year from 2020.
"""

import json
import math

import pytest

from indicators.progress import (
    DETERIORATION,
    LIMITED,
    MEASURABLE_MAX,
    METHOD_NO_TARGET,
    METHOD_TARGET,
    MODERATE,
    NOT_AVAILABLE,
    REASON_NO_DATA,
    REASON_OPPOSITE_SIGNS,
    REASON_TARGET_UNREACHABLE,
    REASON_TOO_FEW_POINTS,
    REASON_TOO_SHORT,
    SUBSTANTIAL,
    TARGET_ACHIEVED,
    Definition,
    cagr,
    compute,
    decimal_year,
    limit_coefficient,
    score_method_1,
    score_method_2,
    stored_components,
)

TARGET_10_PERCENT = 100 * 1.1**10  # reached from 100 in 2020 at 10 % a year


def with_target(value: float, **kwargs) -> Definition:
    """Base 100 in 2020 (baseline), target 2030 growing 10 % a year."""
    return Definition(
        direction=kwargs.pop("direction", "increase"),
        target_year=2030,
        baseline_value=100.0,
        baseline_year=2020,
        target_value=value,
        **kwargs,
    )


def no_target(**kwargs) -> Definition:
    return Definition(
        direction=kwargs.pop("direction", "increase"), target_year=2030, **kwargs
    )


def two_years_at(rate: float, base: float = 100.0) -> list[tuple[float, float]]:
    """Values in 2020 and 2022 growing ``rate`` a year."""
    return [(2020.0, base), (2022.0, base * (1 + rate) ** 2)]


# -- building blocks ----------------------------------------------------------


def test_time_of_a_period_is_its_start_as_a_decimal_year():
    assert decimal_year(2024) == 2024.0
    assert decimal_year(2024, 7) == 2024.5
    assert decimal_year(2024, 10) == pytest.approx(2024.75)


def test_cagr_of_121_over_100_in_two_years_is_ten_percent():
    assert cagr(121, 100, 2022, 2020) == pytest.approx(0.1)


@pytest.mark.parametrize(
    "args", [(5, 0, 2022, 2020), (-5, 5, 2022, 2020), (5, 4, 2020, 2020)]
)
def test_cagr_is_undefined_for_zero_base_opposite_signs_and_no_time(args):
    assert cagr(*args) is None


@pytest.mark.parametrize(
    ("base", "limit", "expected"),
    [
        (250, 100, 1.0),  # b >= 2l
        (200, 100, 1.0),  # b == 2l
        (50, 100, 1 - 0.5**4.44),  # b <= l
        (100, 100, 0.0),  # on the limit
        (150, 100, 1 - 0.5**4.44),  # l < b < 2l: (2l - b) / l = 0.5
        (-50, -100, 1 - 0.5**4.44),  # absolute values
        (0, 0, 1.0),  # zero limit and base: the first branch wins
    ],
)
def test_limit_coefficient_branches(base, limit, expected):
    assert limit_coefficient(base, limit) == pytest.approx(expected)


# -- method 2: a target is set ------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "status", "value", "score"),
    [
        (0.10, SUBSTANTIAL, 1.0, 7.1429 * 1.0 - 4.2857),
        (0.08, MODERATE, 0.8, 7.1429 * 0.8 - 4.2857),
        (0.03, LIMITED, 0.3, 4.1667 * 0.3 - 2.5),
        (-0.05, DETERIORATION, -0.5, 4.1667 * -0.5 - 2.5),
        (-0.10, DETERIORATION, -1.0, -5.0),  # 4.1667 · -1 - 2.5 < -5
    ],
)
def test_method_2_status_value_and_score(rate, status, value, score):
    result = compute(two_years_at(rate)[1:], with_target(TARGET_10_PERCENT))
    assert result.method == METHOD_TARGET
    assert result.status == status
    assert result.progress_value == pytest.approx(value)
    assert result.score == pytest.approx(score)


@pytest.mark.parametrize(
    ("value", "status", "score"),
    [
        # A hair above the thresholds: the CAGR of a rounded series is inexact.
        (0.6 + 1e-9, MODERATE, 7.1429 * 0.6 - 4.2857),  # 0.00004
        (0.95 + 1e-9, SUBSTANTIAL, 7.1429 * 0.95 - 4.2857),  # 2.500055
        (1.3, SUBSTANTIAL, 5.0),  # 7.1429 · 1.3 - 4.2857 = 5.00007, capped
        (2.0, SUBSTANTIAL, 5.0),
        (0.0, LIMITED, -2.5),
    ],
)
def test_method_2_score_at_its_breakpoints(value, status, score):
    result = compute(two_years_at(0.1 * value)[1:], with_target(TARGET_10_PERCENT))
    assert result.progress_value == pytest.approx(value)
    assert result.status == status
    assert result.score == pytest.approx(score, abs=1e-6)


def test_method_2_score_formulas_meet_at_the_thresholds():
    assert score_method_2(0.6) == pytest.approx(0.0, abs=1e-4)
    assert score_method_2(0.95) == pytest.approx(2.5, abs=1e-4)
    assert score_method_2(1.3) == 5.0
    assert score_method_2(-0.6) == pytest.approx(-5.0, abs=1e-4)


def test_rounded_coefficients_do_not_lift_the_score_above_the_status_band():
    # 7.1429 · 0.949999 - 4.2857 = 2.50005 although 0.949999 < 0.95 (moderate).
    result = compute(two_years_at(0.0949999)[1:], with_target(TARGET_10_PERCENT))
    assert result.status == MODERATE
    assert result.score < 2.5
    assert result.score == pytest.approx(2.5, abs=1e-4)


def test_target_achieved_scores_five():
    result = compute([(2023.0, 300.0)], with_target(TARGET_10_PERCENT))
    assert result.status == TARGET_ACHIEVED
    assert result.score == 5.0
    assert result.components["target_achieved"] is True


def test_target_achieved_is_checked_before_too_few_points():
    result = compute(
        [(2024.0, 80.0)],
        Definition(direction="increase", target_year=2030, target_value=75.0),
    )
    assert result.status == TARGET_ACHIEVED


def test_decreasing_indicator_reaching_its_target_below():
    definition = with_target(50.0, direction="decrease")
    assert compute([(2024.0, 49.0)], definition).status == TARGET_ACHIEVED
    assert compute([(2024.0, 51.0)], definition).status != TARGET_ACHIEVED


def test_decreasing_indicator_method_2():
    # 100 → 81: CAGR -10 %; target 50 in 2030 needs 0.5^(1/10) - 1 = -6.697 %.
    result = compute([(2022.0, 81.0)], with_target(50.0, direction="decrease"))
    needed = 0.5**0.1 - 1
    assert result.progress_value == pytest.approx(-1 * -0.1 / abs(needed))
    assert result.progress_value == pytest.approx(1.4933, abs=1e-4)
    assert result.status == SUBSTANTIAL
    assert result.score == 5.0


def test_decreasing_indicator_going_up_deteriorates():
    result = compute([(2022.0, 121.0)], with_target(50.0, direction="decrease"))
    assert result.status == DETERIORATION


def test_zero_target_becomes_a_thousandth():
    # 100 → 0.001 over ten years: (1e-5)^(1/10) - 1 = 10^-0.5 - 1.
    result = compute([(2022.0, 81.0)], with_target(0.0, direction="decrease"))
    assert result.components["target_value_used"] == 0.001
    assert result.components["cagr_target"] == pytest.approx(10**-0.5 - 1)
    assert result.progress_value == pytest.approx(0.1 / (1 - 10**-0.5))


def test_target_equal_to_base_cannot_be_assessed():
    result = compute([(2022.0, 90.0)], with_target(100.0))
    assert result.status == NOT_AVAILABLE
    assert result.score is None
    assert result.components["reason"] == REASON_TARGET_UNREACHABLE


def test_council_extras_on_a_straight_ten_percent_path():
    result = compute([(2022.0, 121.0)], with_target(TARGET_10_PERCENT))
    c = result.components
    assert c["cagr_observed"] == pytest.approx(0.1)
    assert c["cagr_target"] == pytest.approx(0.1)
    # 121 · 1.1^8 = 100 · 1.1^10: on course.
    assert c["projected_value_at_target"] == pytest.approx(TARGET_10_PERCENT)
    # Two tenths of the way from 100 to 259.37 on the straight line.
    assert c["expected_value_now"] == pytest.approx(
        100 + (TARGET_10_PERCENT - 100) * 0.2
    )
    assert c["share_of_distance_covered"] == pytest.approx(
        21 / (TARGET_10_PERCENT - 100)
    )
    assert c["required_annual_growth"] == pytest.approx(0.1)


def test_threshold_overrides_replace_defaults_and_ignore_junk():
    definition = with_target(
        TARGET_10_PERCENT, thresholds={"high": 0.8, "bogus": 1, "med": "x"}
    )
    result = compute(two_years_at(0.085)[1:], definition)
    assert result.components["thresholds"] == {"high": 0.8, "med": 0.6, "low": 0.0}
    assert result.status == SUBSTANTIAL
    assert result.score == 2.5  # the formula gives 1.79: kept in the band


# -- method 1: no target ------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "status", "score"),
    [
        (0.02, SUBSTANTIAL, 5.0),  # min(500 · 0.02 - 5, 5)
        (0.015 + 1e-12, SUBSTANTIAL, 2.5),  # at high
        (0.01, MODERATE, 250 * 0.01 - 1.25),
        (0.005 + 1e-12, MODERATE, 0.0),  # at med
        (0.003, LIMITED, 500 * 0.003 - 2.5),
        (0.0, LIMITED, -2.5),  # at low
        (-0.01, DETERIORATION, 125 * -0.01 - 2.5),
        (-0.03, DETERIORATION, -5.0),  # 125 · -0.03 - 2.5 < -5
    ],
)
def test_method_1_status_and_score(rate, status, score):
    result = compute(two_years_at(rate), no_target())
    assert result.method == METHOD_NO_TARGET
    assert result.progress_value == pytest.approx(rate)
    assert result.status == status
    assert result.score == pytest.approx(score, abs=1e-9)


def test_method_1_score_formulas_meet_at_the_thresholds():
    thresholds = {"high": 0.015, "med": 0.005, "low": 0.0}
    assert score_method_1(0.015, thresholds, 1.0) == pytest.approx(2.5)
    assert score_method_1(0.015 - 1e-12, thresholds, 1.0) == pytest.approx(2.5)
    assert score_method_1(0.005, thresholds, 1.0) == pytest.approx(0.0)
    assert score_method_1(0.0, thresholds, 1.0) == -2.5
    assert score_method_1(-1e-12, thresholds, 1.0) == pytest.approx(-2.5)
    assert score_method_1(-0.02, thresholds, 1.0) == -5.0


def test_method_1_limit_coefficient_lowers_the_thresholds():
    c = 1 - 0.5**4.44  # base 50 is half the limit of 100
    result = compute(two_years_at(0.01, base=50.0), no_target(limit=100.0))
    assert result.components["coefficient"] == pytest.approx(c)
    assert result.components["thresholds"]["high"] == pytest.approx(0.015 * c)
    assert result.components["thresholds"]["med"] == pytest.approx(0.005 * c)
    assert result.status == MODERATE
    assert result.score == pytest.approx(250 * 0.01 / c - 1.25)


def test_method_1_on_the_limit_any_non_negative_growth_scores_five():
    result = compute([(2020.0, 100.0), (2022.0, 100.0)], no_target(limit=100.0))
    assert result.components["coefficient"] == 0.0
    assert result.status == SUBSTANTIAL
    assert result.score == 5.0
    assert score_method_1(-0.01, {"high": 0, "med": 0, "low": 0}, 0.0) == -3.75


def test_method_1_decreasing_indicator_falling_is_progress():
    result = compute(two_years_at(-0.1), no_target(direction="decrease"))
    assert result.progress_value == pytest.approx(0.1)
    assert result.status == SUBSTANTIAL


def test_zero_base_becomes_a_thousandth():
    result = compute([(2020.0, 0.0), (2022.0, 0.00121)], no_target())
    assert result.components["base_value_used"] == 0.001
    assert result.progress_value == pytest.approx(0.1)


def test_negative_base_flips_the_sign():
    # -100 → -81 is a CAGR of -10 % in magnitude; for "increase" that is progress.
    result = compute([(2020.0, -100.0), (2022.0, -81.0)], no_target())
    assert result.components["sign"] == -1
    assert result.progress_value == pytest.approx(0.1)
    assert result.status == SUBSTANTIAL


def test_baseline_is_the_base_point_when_set():
    definition = no_target(baseline_value=100.0, baseline_year=2020)
    result = compute([(2019.0, 1.0), (2022.0, 104.04)], definition)
    assert result.components["base_source"] == "baseline"
    assert result.progress_value == pytest.approx(0.02)


# -- not available ------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "reason"),
    [
        ([], REASON_NO_DATA),
        ([(2022.0, 5.0)], REASON_TOO_FEW_POINTS),
        ([(2022.0, 5.0), (2022.5, 6.0)], REASON_TOO_SHORT),
        ([(2020.0, -5.0), (2022.0, 5.0)], REASON_OPPOSITE_SIGNS),
        ([(2020.0, 0.0), (2022.0, -5.0)], REASON_OPPOSITE_SIGNS),  # 0 → 0.001
    ],
)
def test_not_available(points, reason):
    result = compute(points, no_target())
    assert result.status == NOT_AVAILABLE
    assert result.score is None
    assert result.progress_value is None
    assert result.components["reason"] == reason


def test_monthly_values_less_than_a_year_apart_cannot_be_assessed():
    points = [(decimal_year(2024, m), float(m)) for m in range(1, 12)]
    assert compute(points, no_target()).components["reason"] == REASON_TOO_SHORT
    points.append((decimal_year(2025, 1), 20.0))
    assert compute(points, no_target()).status == SUBSTANTIAL


def test_components_are_json_numbers_with_a_stable_set_of_keys():
    assessed = compute([(2022.0, 121.0)], with_target(TARGET_10_PERCENT))
    unassessed = compute([], with_target(TARGET_10_PERCENT))
    assert assessed.components.keys() == unassessed.components.keys()
    text = json.dumps(assessed.components, allow_nan=False)
    assert all(
        isinstance(v, int | float | str | dict | list | type(None))
        for v in json.loads(text).values()
    )
    assert not any(
        isinstance(v, float) and not math.isfinite(v)
        for v in assessed.components.values()
    )


# -- projections: bounded by the natural limit and the measurable range -------


def test_projection_stops_at_the_natural_limit_of_an_increasing_indicator():
    # 50 → 60.5 in two years is 10 % a year: 60.5 · 1.1^8 ≈ 129.7 in 2030, past
    # a ceiling of 100, which 10 % a year reaches after log(100/60.5)/log(1.1).
    result = compute(
        [(2022.0, 60.5)],
        no_target(baseline_value=50.0, baseline_year=2020, limit=100.0),
    )
    c = result.components
    assert c["projected_value_at_target"] == 100.0
    assert c["projection_at_limit"] is True
    assert c["limit_reached_time"] == pytest.approx(
        2022 + math.log(100 / 60.5) / math.log(1.1)
    )


def test_projection_stops_at_the_natural_limit_of_a_decreasing_indicator():
    # 100 → 81 is -10 % a year: 81 · 0.9^8 ≈ 34.9 in 2030, past a floor of 40.
    definition = no_target(
        direction="decrease", baseline_value=100.0, baseline_year=2020, limit=40.0
    )
    c = compute([(2022.0, 81.0)], definition).components
    assert c["projected_value_at_target"] == 40.0
    assert c["projection_at_limit"] is True
    assert 2022 < c["limit_reached_time"] < 2030


def test_projection_inside_the_limit_is_left_as_it_is():
    c = compute(
        [(2022.0, 60.5)],
        no_target(baseline_value=50.0, baseline_year=2020, limit=200.0),
    ).components
    assert c["projected_value_at_target"] == pytest.approx(60.5 * 1.1**8)
    assert c["projection_at_limit"] is False
    assert c["limit_reached_time"] is None


def test_a_projection_beyond_the_measurable_range_is_stored_as_out_of_range():
    # Issue 21: baseline 100 (2020), target 200 (2030), 5,000,000 in 2021-01:
    # 4,999,900 % a year for nine years is about 1e49.
    definition = with_target(200.0)
    result = compute([(2021.0, 5_000_000.0)], definition)
    c = result.components
    assert result.status == TARGET_ACHIEVED
    assert c["projected_value_at_target"] is None
    assert c["out_of_range"] == ["projected_value_at_target"]
    assert all(
        abs(v) < MEASURABLE_MAX for v in c.values() if isinstance(v, int | float)
    )


def test_stored_components_read_a_legacy_huge_number_as_out_of_range():
    # What jsonb gave back for a projection of 1e49 stored before the bound.
    legacy = {"projected_value_at_target": 10**49, "current_value": 5_000_000}
    c = stored_components(legacy)
    assert c["projected_value_at_target"] is None
    assert c["current_value"] == 5_000_000
    assert c["out_of_range"] == ["projected_value_at_target"]
