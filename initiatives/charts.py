"""The roadmap's overview: deliveries per goal and phase over time."""

import datetime as dt
import math
from collections import Counter
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from core.charts import PALETTE, ChartView, Figure, chart_view
from core.texts import NorwegianText
from strategy.models import Goal

from .rules import VALUE_CHAIN

STEP_COLOURS = (
    PALETTE["grey"],
    PALETTE["sky"],
    PALETTE["orange"],
    PALETTE["blue"],
    PALETTE["green"],
)
UNKNOWN_COLOUR = "#bbbbbb"
ROW_HEIGHT = 22
# Below the plot and its year labels: the year axis on top leaves no room
# for the legend above the plot, where other charts keep it.
BOTTOM_LEGEND = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "y": 0,
    "yanchor": "bottom",
    "yref": "container",
}


def _step(row) -> int | None:
    return row.span.last if row.span else None


def _year(row) -> int | None:
    """The year a delivery is due: its end date's, else its start date's."""
    day = row.delivery.end_date or row.delivery.start_date
    return day.year if day else None


def _phase_name(step: int | None) -> str:
    return NorwegianText(VALUE_CHAIN[step - 1]) if step else _("Phase not given")


def roadmap_overview_chart(
    rows: Sequence, *, today: dt.date, goals: Mapping[int, Goal]
) -> ChartView:
    """How many deliveries each goal has due per year, by value-chain phase.

    One row per goal and phase (a combined phase counts at its last step), a
    circle per year sized by the count, a line for today and the years along
    the top and the bottom. Built from the rows the tables show: no queries.
    """
    counts: Counter[tuple[str, int | None, int]] = Counter()
    codes: list[str] = []  # in the rows' order (the strategy's)
    for row in rows:
        goal = goals[row.delivery.initiative.sub_goal.goal_id].code
        if goal not in codes:
            codes.append(goal)
        year = _year(row)
        if year is not None:
            counts[(goal, _step(row), year)] += 1
    steps = [*range(1, len(VALUE_CHAIN) + 1), None]
    order = {
        (goal, step): (g, steps.index(step))
        for g, goal in enumerate(codes)
        for step in steps
    }
    keys = sorted({(goal, step) for goal, step, _year in counts}, key=order.__getitem__)
    labels = {key: f"{key[0]} · {key[1] or '–'}" for key in keys}
    largest = max(counts.values(), default=1)
    figure = Figure()
    for step in steps:
        points = sorted(
            ((goal, year, n) for (goal, s, year), n in counts.items() if s == step),
            key=lambda point: (order[(point[0], step)], point[1]),
        )
        if points:
            _add_phase(figure, points, step, labels, largest)
    years = sorted({year for _goal, _step_, year in counts}) or [today.year]
    first = dt.date(min(years[0], today.year), 1, 1)
    last = dt.date(max(years[-1], today.year) + 1, 1, 1)
    year_axis = {
        "type": "date",
        "range": [first.isoformat(), last.isoformat()],
        "dtick": "M12",
        "tickformat": "%Y",
        "ticklabelmode": "period",
        "showgrid": True,
        # Upright and small enough for nine years on a phone.
        "tickangle": 0,
        "tickfont": {"size": 11},
        "fixedrange": True,
    }
    # The same years over the plot: an invisible point draws the top axis.
    figure.data.append(
        {
            "type": "scatter",
            "x": [first.isoformat()],
            "y": [labels[keys[0]]] if keys else [""],
            "xaxis": "x2",
            "mode": "markers",
            "marker": {"opacity": 0},
            "showlegend": False,
            "hoverinfo": "skip",
        }
    )
    figure.add_vline(x=today.isoformat(), line={"color": PALETTE["vermillion"]})
    figure.update_layout(
        xaxis=year_axis,
        xaxis2={**year_axis, "overlaying": "x", "matches": "x", "side": "top"},
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [labels[key] for key in reversed(keys)],
            "automargin": True,
            "fixedrange": True,
        },
        height=150 + ROW_HEIGHT * max(len(keys), 1),
    )
    dated = sum(counts.values())
    summary = _(
        "%(dated)d deliveries by the year they are due (their end date, else "
        "their start date), one row per goal and value-chain phase (1 to 5; "
        "a combined phase counts at its last step); %(undated)d without dates "
        "are only in the tables below. The red line is today."
    ) % {"dated": dated, "undated": len(rows) - dated}
    view = chart_view(
        figure,
        chart_id="chart-roadmap",
        title=_("Deliveries per goal and phase over time"),
        summary=summary,
        columns=[_("Goal"), _("Phase"), _("Year"), _("Deliveries")],
        rows=[
            (goal, _phase_name(step), str(year), counts[(goal, step, year)])
            for goal, step in keys
            for year in sorted(y for g, s, y in counts if (g, s) == (goal, step))
        ],
        legend=BOTTOM_LEGEND,
        margin_bottom=110,  # the year labels, then up to three rows of legend
    )
    return view


def _add_phase(figure: Figure, points, step: int | None, labels, largest: int) -> None:
    name = f"{step}. {_phase_name(step)}" if step else _phase_name(step)
    figure.add_scatter(
        x=[dt.date(year, 7, 1).isoformat() for _goal, year, _n in points],
        y=[labels[(goal, step)] for goal, _year, _n in points],
        text=[n for _goal, _year, n in points],
        mode="markers+text",
        textposition="middle center",
        textfont={"size": 10, "color": "#000000"},
        name=name,
        marker={
            "size": [8 + 12 * math.sqrt(n / largest) for _goal, _year, n in points],
            "color": STEP_COLOURS[step - 1] if step else UNKNOWN_COLOUR,
            "opacity": 0.55,
            "line": {"width": 1, "color": "#000000"},
        },
        hovertemplate="%{y} · %{x|%Y}: %{text}<extra>" + name + "</extra>",
    )
