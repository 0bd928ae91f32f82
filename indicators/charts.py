"""Plotly figures for an indicator, built from plain data (never querysets).

The indicator page (and the meeting pack) pass an IndicatorChartData made by a
selector from approved values, provisional values and the newest snapshot.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.charts import PALETTE, ChartView, Figure, chart_view

NumberFormat = Callable[[float], str]


@dataclass(frozen=True)
class ChartPoint:
    label: str  # period label: 2024, 2024-Q3, 2024-06
    time: float  # decimal year of the period start
    value: float


@dataclass(frozen=True)
class IndicatorChartData:
    code: str
    name: str
    unit_label: str
    approved: Sequence[ChartPoint]
    provisional: Sequence[ChartPoint]
    baseline: ChartPoint | None = None
    target: ChartPoint | None = None
    projected_at_target: float | None = None  # from the snapshot's components


def _time_axis(points: Sequence[ChartPoint]) -> dict:
    """Whole years on the axis whatever the granularity of the points."""
    return {"tickformat": "d", "dtick": 1, "title": {"text": _("Year")}}


def indicator_value_chart(data: IndicatorChartData, fmt: NumberFormat) -> ChartView:
    """Values over time with baseline, target, the line to target and projection."""
    figure = Figure()
    figure.add_scatter(
        x=[p.time for p in data.approved],
        y=[p.value for p in data.approved],
        mode="lines+markers",
        name=_("Approved values"),
        line={"color": PALETTE["blue"], "width": 2},
        marker={"symbol": "circle", "size": 8},
        customdata=[p.label for p in data.approved],
        hovertemplate="%{customdata}: %{y}<extra></extra>",
    )
    if data.provisional:
        figure.add_scatter(
            x=[p.time for p in data.provisional],
            y=[p.value for p in data.provisional],
            mode="markers",
            name=_("Provisional (awaiting approval)"),
            marker={
                "symbol": "circle-open",
                "size": 10,
                "color": PALETTE["orange"],
                "line": {"width": 2},
            },
            customdata=[p.label for p in data.provisional],
            hovertemplate="%{customdata}: %{y}<extra></extra>",
        )
    _add_target_lines(figure, data)
    figure.update_layout(
        xaxis=_time_axis(data.approved),
        yaxis={"title": {"text": data.unit_label}, "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2},
        height=380,
    )
    return chart_view(
        figure,
        chart_id=f"chart-values-{data.code}",
        title=_("%(name)s: values, baseline and target") % {"name": data.name},
        summary=value_chart_summary(data, fmt),
        columns=[_("Period"), _("Value"), _("Status")],
        rows=value_table_rows(data, fmt),
    )


def _add_target_lines(figure: Figure, data: IndicatorChartData) -> None:
    if data.baseline:
        figure.add_scatter(
            x=[data.baseline.time],
            y=[data.baseline.value],
            mode="markers",
            name=_("Baseline %(year)s") % {"year": data.baseline.label},
            marker={"symbol": "square", "size": 10, "color": PALETTE["grey"]},
        )
    if data.target:
        figure.add_scatter(
            x=[data.target.time],
            y=[data.target.value],
            mode="markers",
            name=_("Target %(year)s") % {"year": data.target.label},
            marker={"symbol": "star", "size": 14, "color": PALETTE["green"]},
        )
    if data.baseline and data.target:
        figure.add_scatter(
            x=[data.baseline.time, data.target.time],
            y=[data.baseline.value, data.target.value],
            mode="lines",
            name=_("Straight line from baseline to target"),
            line={"color": PALETTE["green"], "dash": "dot"},
            hoverinfo="skip",
        )
    current = data.approved[-1] if data.approved else None
    if current and data.target and data.projected_at_target is not None:
        figure.add_scatter(
            x=[current.time, data.target.time],
            y=[current.value, data.projected_at_target],
            mode="lines",
            name=_("Projection at the observed pace"),
            line={"color": PALETTE["vermillion"], "dash": "dash"},
        )


def value_chart_summary(data: IndicatorChartData, fmt: NumberFormat) -> str:
    if not data.approved:
        return _("No approved values yet.")
    first, last = data.approved[0], data.approved[-1]
    parts = [
        _("Approved values from %(first)s (%(v1)s) to %(last)s (%(v2)s).")
        % {
            "first": first.label,
            "v1": fmt(first.value),
            "last": last.label,
            "v2": fmt(last.value),
        }
    ]
    if data.target:
        parts.append(
            _("Target: %(value)s in %(year)s.")
            % {"value": fmt(data.target.value), "year": data.target.label}
        )
    if data.target and data.projected_at_target is not None:
        parts.append(
            _("At the observed pace the value would be %(value)s in %(year)s.")
            % {"value": fmt(data.projected_at_target), "year": data.target.label}
        )
    if data.provisional:
        parts.append(
            _("%(count)d value(s) await approval.") % {"count": len(data.provisional)}
        )
    return " ".join(parts)


def value_table_rows(data: IndicatorChartData, fmt: NumberFormat) -> list[list[str]]:
    rows = [(p, _("Approved")) for p in data.approved] + [
        (p, _("Provisional")) for p in data.provisional
    ]
    rows.sort(key=lambda row: row[0].time)
    return [[p.label, fmt(p.value), status] for p, status in rows]


def pace_chart(
    *,
    code: str,
    observed_growth: float | None,
    required_growth: float | None,
    fmt_percent: NumberFormat,
) -> ChartView:
    """Annual growth observed so far next to the growth still required."""
    labels = [_("Observed annual growth"), _("Required annual growth")]
    values = [observed_growth, required_growth]
    figure = Figure()
    figure.add_bar(
        x=labels,
        y=[0 if v is None else v * 100 for v in values],
        marker={
            "color": [PALETTE["blue"], PALETTE["green"]],
            "pattern": {"shape": ["", "/"]},
        },
        text=["–" if v is None else fmt_percent(v) for v in values],
        textposition="outside",
    )
    figure.update_layout(yaxis={"title": {"text": "%"}}, height=300, showlegend=False)
    if observed_growth is None or required_growth is None:
        summary = _("The pace cannot be compared: too few approved values.")
    elif observed_growth >= required_growth:
        summary = _(
            "Observed growth %(observed)s per year is at or above the %(required)s "
            "per year still required to reach the target."
        ) % {
            "observed": fmt_percent(observed_growth),
            "required": fmt_percent(required_growth),
        }
    else:
        summary = _(
            "Observed growth %(observed)s per year is below the %(required)s "
            "per year still required to reach the target."
        ) % {
            "observed": fmt_percent(observed_growth),
            "required": fmt_percent(required_growth),
        }
    return chart_view(
        figure,
        chart_id=f"chart-pace-{code}",
        title=_("Required pace and observed pace"),
        summary=summary,
        columns=[_("Measure"), _("Per year")],
        rows=[
            [label, "–" if v is None else fmt_percent(v)]
            for label, v in zip(labels, values, strict=True)
        ],
    )
