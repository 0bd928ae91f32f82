"""Plotly figures for the strategy overview, built from plain data."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.charts import ChartView, Figure, chart_view

from .models import ProgressStatus
from .status_style import STATUS_STYLE


@dataclass(frozen=True)
class GoalStatusCounts:
    code: str
    counts: Mapping[str, int]  # status -> number of indicators


def status_distribution_chart(goals: Sequence[GoalStatusCounts]) -> ChartView:
    """Indicators per status for each goal, as stacked horizontal bars."""
    figure = Figure()
    codes = [goal.code for goal in goals]
    for status in ProgressStatus:
        colour, pattern, icon = STATUS_STYLE[status]
        counts = [goal.counts.get(status.value, 0) for goal in goals]
        figure.add_bar(
            y=codes,
            x=counts,
            orientation="h",
            name=f"{icon} {status.label}",
            marker={"color": colour, "pattern": {"shape": pattern}},
            text=[str(c) if c else "" for c in counts],
            textposition="inside",
        )
    figure.update_layout(
        barmode="stack",
        yaxis={"autorange": "reversed", "title": {"text": _("Goal")}},
        xaxis={"title": {"text": _("Number of indicators")}, "dtick": 1},
        height=120 + 48 * max(len(goals), 1),
    )
    statuses = list(ProgressStatus)
    total = sum(sum(goal.counts.values()) for goal in goals)
    if total:
        worst = sum(
            goal.counts.get(ProgressStatus.DETERIORATION.value, 0) for goal in goals
        )
        summary = _(
            "%(total)d indicators in %(goals)d goals; %(worst)d with negative "
            "development."
        ) % {"total": total, "goals": len(goals), "worst": worst}
    else:
        summary = _("No indicator has a status yet.")
    return chart_view(
        figure,
        chart_id="chart-status-distribution",
        title=_("Indicators per status and goal"),
        summary=summary,
        columns=[_("Goal"), *[str(status.label) for status in statuses]],
        rows=[
            [goal.code, *[goal.counts.get(s.value, 0) for s in statuses]]
            for goal in goals
        ],
    )
