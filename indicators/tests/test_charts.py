import json

from django.utils import translation

from indicators.charts import (
    ChartPoint,
    IndicatorChartData,
    indicator_value_chart,
    pace_chart,
)


def fmt(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def pct(value: float) -> str:
    return f"{value * 100:.1f} %".replace(".", ",")


DATA = IndicatorChartData(
    code="IND-1",
    name="Andel",
    unit_label="%",
    approved=[ChartPoint("2022", 2022.0, 40.0), ChartPoint("2024", 2024.0, 50.0)],
    provisional=[ChartPoint("2025", 2025.0, 52.5)],
    baseline=ChartPoint("2022", 2022.0, 40.0),
    target=ChartPoint("2030", 2030.0, 80.0),
    projected_at_target=76.0,
)


def test_value_chart_shows_approved_provisional_baseline_target_and_projection():
    with translation.override("en"):
        view = indicator_value_chart(DATA, fmt)
    names = [trace["name"] for trace in json.loads(view.figure_json)["data"]]
    assert names == [
        "Approved values",
        "Provisional (awaiting approval)",
        "Baseline 2022",
        "Target 2030",
        "Straight line from baseline to target",
        "Projection at the observed pace",
    ]
    projection = json.loads(view.figure_json)["data"][-1]
    assert projection["x"] == [2024.0, 2030.0] and projection["y"] == [50.0, 76.0]


def test_value_chart_table_and_summary_match_the_figures():
    with translation.override("nb"):
        view = indicator_value_chart(DATA, fmt)
    assert view.rows == [
        ["2022", "40,0", "Godkjent"],
        ["2024", "50,0", "Godkjent"],
        ["2025", "52,5", "Foreløpig"],
    ]
    assert "40,0" in view.summary and "80,0" in view.summary and "76,0" in view.summary
    # One waiting value in the singular, not "1 verdi(er)".
    assert "1 verdi venter på godkjenning." in view.summary


def test_value_chart_without_values_says_so():
    empty = IndicatorChartData("X", "X", "", approved=[], provisional=[])
    with translation.override("en"):
        view = indicator_value_chart(empty, fmt)
    assert view.summary == "No approved values yet."
    assert view.rows == []


def pace(observed, required, direction=1):
    return pace_chart(
        code="X",
        direction=direction,
        observed_growth=observed,
        required_growth=required,
        fmt_percent=pct,
    )


def test_pace_chart_compares_observed_and_required_change():
    with translation.override("en"):
        behind, ahead, unknown = pace(0.02, 0.05), pace(0.06, 0.05), pace(None, 0.05)
    assert behind.summary == (
        "A rise of 5,0 % a year is needed to reach the target. "
        "The value rises 2,0 % a year: too slowly."
    )
    assert ahead.summary.endswith("rises 6,0 % a year: fast enough.")
    assert "cannot be compared" in unknown.summary
    assert unknown.rows[0] == ["Observed change per year", "–"]


def test_pace_of_a_decreasing_indicator_that_rises_reads_as_the_wrong_way():
    # DEMO-M2-2 (documentation time, should fall): 2,02 % up, 11,43 % down needed.
    with translation.override("nb"):
        view = pace(0.0202, -0.1143, direction=-1)
    assert view.summary == (
        "Det trengs en nedgang på 11,4 % per år for å nå målet. "
        "Verdien øker med 2,0 % per år: feil vei."
    )


def test_pace_of_a_decreasing_indicator_falling_fast_enough():
    with translation.override("en"):
        fast, slow = pace(-0.15, -0.1143, -1), pace(-0.05, -0.1143, -1)
    assert fast.summary.endswith("The value falls 15,0 % a year: fast enough.")
    assert slow.summary.endswith("The value falls 5,0 % a year: too slowly.")
    assert fast.summary.startswith("A fall of 11,4 % a year is needed")


def test_projection_at_the_natural_limit_bends_and_is_said():
    data = IndicatorChartData(
        code="IND-1",
        name="Andel",
        unit_label="%",
        approved=[ChartPoint("2026", 2026.0, 90.6)],
        provisional=[],
        target=ChartPoint("2030", 2030.0, 100.0),
        projected_at_target=100.0,
        limit_reached=ChartPoint("2026", 2026.7, 100.0),
    )
    with translation.override("en"):
        view = indicator_value_chart(data, fmt)
    projection = json.loads(view.figure_json)["data"][-1]
    assert projection["x"] == [2026.0, 2026.7, 2030.0]
    assert projection["y"] == [90.6, 100.0, 100.0]
    assert (
        "would reach its natural limit 100,0 % in 2026 and cannot pass it: "
        "100,0 % in 2030." in view.summary
    )


def test_projection_outside_the_measurable_range_is_said():
    data = IndicatorChartData(
        code="IND-1",
        name="Antall",
        unit_label="",
        approved=[ChartPoint("2021-01", 2021.0, 5e6)],
        provisional=[],
        target=ChartPoint("2030", 2030.0, 200.0),
        projection_out_of_range=True,
    )
    with translation.override("en"):
        view = indicator_value_chart(data, fmt)
    assert "in 2030 would lie outside the measurable range" in view.summary
