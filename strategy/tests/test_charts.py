import json

from django.utils import translation

from strategy.charts import GoalStatusCounts, status_distribution_chart
from strategy.status_style import status_icon


def test_distribution_has_one_trace_per_status_with_icons_in_names():
    goals = [
        GoalStatusCounts("M1", {"substantial_progress": 2, "deterioration": 1}),
        GoalStatusCounts("M2", {"not_available": 3}),
    ]
    with translation.override("nb"):
        view = status_distribution_chart(goals)
    traces = json.loads(view.figure_json)["data"]
    assert len(traces) == 6
    assert traces[1]["name"] == "▲ God fremgang"
    assert traces[1]["x"] == [2, 0]
    assert view.rows[0] == ["M1", 0, 2, 0, 0, 1, 0]
    assert view.columns[0] == "Mål"
    assert "6" in view.summary and "1" in view.summary


def test_distribution_without_statuses():
    with translation.override("en"):
        view = status_distribution_chart([GoalStatusCounts("M1", {})])
    assert view.summary == "No indicator has a status yet."


def test_every_status_has_an_icon():
    assert status_icon("target_achieved") == "✔"
    assert status_icon("unknown") == "?"
