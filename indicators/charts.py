"""Plotly figures for an indicator, built from plain data (never querysets).

The indicator page (and the meeting pack) pass an IndicatorChartData made by a
selector from approved values, provisional values and the newest snapshot.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    # Where the projection meets the natural limit, when it would pass it.
    limit_reached: ChartPoint | None = None
    projection_out_of_range: bool = False
    # How many values wait for approval: corrections of a period that has an
    # official value too, which are not drawn (None: as many as are drawn).
    waiting: int | None = None


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
        height=380,
    )
    return chart_view(
        figure,
        chart_id=f"chart-values-{data.code}",
        # The name may be HTML marking its language (core.templatetags.texts).
        title=mark_safe(  # noqa: S308 - both parts escaped
            conditional_escape(_("%(name)s: values, baseline and target"))
            % {"name": conditional_escape(data.name)}
        ),
        summary=value_chart_summary(data, fmt),
        columns=[_("Period"), _value_heading(data.unit_label), _("Status")],
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
        # At the limit the line bends there and runs along it to the target year.
        bend = [data.limit_reached] if data.limit_reached else []
        figure.add_scatter(
            x=[current.time, *(p.time for p in bend), data.target.time],
            y=[current.value, *(p.value for p in bend), data.projected_at_target],
            mode="lines",
            name=_("Projection at the observed pace"),
            line={"color": PALETTE["vermillion"], "dash": "dash"},
        )


def value_chart_summary(data: IndicatorChartData, number: NumberFormat) -> str:
    if not data.approved:
        return _("No approved values yet.")

    def fmt(value: float) -> str:  # a value as people read it: with its unit
        return (
            f"{number(value)} {data.unit_label}" if data.unit_label else number(value)
        )

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
    if data.target:
        parts += _projection_sentences(data, data.target, fmt)
    count = len(data.provisional) if data.waiting is None else data.waiting
    if count:
        waiting = ngettext(
            "%(count)d value awaits approval.",
            "%(count)d values await approval.",
            count,
        )
        parts.append(waiting % {"count": count})
    return " ".join(parts)


def _projection_sentences(
    data: IndicatorChartData, target: ChartPoint, fmt: NumberFormat
) -> list[str]:
    """What the projection says; ``fmt`` writes a value with its unit."""
    if data.projection_out_of_range:
        return [
            _(
                "At the observed pace the value in %(year)s would lie outside "
                "the measurable range."
            )
            % {"year": target.label}
        ]
    if data.projected_at_target is None:
        return []
    if data.limit_reached is not None:
        return [
            _(
                "At the observed pace the value would reach its natural limit "
                "%(limit)s in %(reached)s and cannot pass it: %(limit)s in "
                "%(year)s."
            )
            % {
                "limit": fmt(data.limit_reached.value),
                "reached": data.limit_reached.label,
                "year": target.label,
            }
        ]
    return [
        _("At the observed pace the value would be %(value)s in %(year)s.")
        % {"value": fmt(data.projected_at_target), "year": target.label}
    ]


def _value_heading(unit_label: str) -> str:
    value = _("Value")
    return f"{value} ({unit_label})" if unit_label else value


def value_table_rows(data: IndicatorChartData, fmt: NumberFormat) -> list[list[str]]:
    rows = [(p, _("Approved")) for p in data.approved] + [
        (p, _("Provisional")) for p in data.provisional
    ]
    rows.sort(key=lambda row: row[0].time)
    return [[p.label, fmt(p.value), status] for p, status in rows]


def pace_chart(
    *,
    code: str,
    direction: int,
    observed_growth: float | None,
    required_growth: float | None,
    fmt_percent: NumberFormat,
) -> ChartView:
    """The change a year observed so far next to the change still required.

    ``direction`` is +1 for an indicator that should increase, -1 for one that
    should decrease: a fall is then what is needed, and a rise goes the wrong
    way. Rates are signed; the sentences say rise or fall instead of a sign.
    """
    labels = [_("Observed change per year"), _("Required change per year")]
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
    return chart_view(
        figure,
        chart_id=f"chart-pace-{code}",
        title=_("Required pace and observed pace"),
        summary=pace_summary(
            direction=direction,
            observed=observed_growth,
            required=required_growth,
            fmt_percent=fmt_percent,
        ),
        columns=[_("Measure"), _("Per year")],
        rows=[
            [label, "–" if v is None else fmt_percent(v)]
            for label, v in zip(labels, values, strict=True)
        ],
    )


def pace_summary(
    *,
    direction: int,
    observed: float | None,
    required: float | None,
    fmt_percent: NumberFormat,
) -> str:
    """ "A fall of 11,43 % a year is needed to reach the target. The value rises
    2,02 % a year: the wrong way." """
    if observed is None or required is None:
        return _("The pace cannot be compared: too few approved values.")
    if required >= 0:
        needed = _("A rise of %(rate)s a year is needed to reach the target.")
    else:
        needed = _("A fall of %(rate)s a year is needed to reach the target.")
    if observed > 0:
        seen = _("The value rises %(rate)s a year")
    elif observed < 0:
        seen = _("The value falls %(rate)s a year")
    else:
        seen = _("The value is unchanged")
    if observed * direction < 0:
        verdict = _("the wrong way.")
    elif observed * direction >= required * direction:
        verdict = _("fast enough.")
    else:
        verdict = _("too slowly.")
    return " ".join(
        [
            needed % {"rate": fmt_percent(abs(required))},
            f"{seen % {'rate': fmt_percent(abs(observed))}}: {verdict}",
        ]
    )
