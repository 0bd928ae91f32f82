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


def test_value_chart_without_values_says_so():
    empty = IndicatorChartData("X", "X", "", approved=[], provisional=[])
    with translation.override("en"):
        view = indicator_value_chart(empty, fmt)
    assert view.summary == "No approved values yet."
    assert view.rows == []


def test_pace_chart_compares_observed_and_required_growth():
    with translation.override("en"):
        behind = pace_chart(
            code="X", observed_growth=0.02, required_growth=0.05, fmt_percent=pct
        )
        ahead = pace_chart(
            code="X", observed_growth=0.06, required_growth=0.05, fmt_percent=pct
        )
        unknown = pace_chart(
            code="X", observed_growth=None, required_growth=0.05, fmt_percent=pct
        )
    assert "below" in behind.summary and "2,0 %" in behind.summary
    assert "at or above" in ahead.summary
    assert "cannot be compared" in unknown.summary
    assert unknown.rows[0] == ["Observed annual growth", "–"]
