"""The roadmap as a timeline (Gantt-style), built from delivery rows."""

import datetime as dt
from collections.abc import Sequence

from django.utils.translation import gettext as _

from core.charts import PALETTE, ChartView, Figure, chart_view

from .models import PlanningStatus
from .rules import VALUE_CHAIN

STEP_COLOURS = (
    PALETTE["grey"],
    PALETTE["sky"],
    PALETTE["orange"],
    PALETTE["blue"],
    PALETTE["green"],
)
UNKNOWN_COLOUR = "#bbbbbb"
DAY_MS = 24 * 60 * 60 * 1000


def _label(row) -> str:
    """Sub-goal, name (shortened) and ID: unique even for repeated names."""
    delivery = row.delivery
    name = delivery.name if len(delivery.name) <= 40 else delivery.name[:39] + "…"
    return f"{delivery.initiative.sub_goal.code} {name} ({delivery.roadmap_id[-4:]})"


def _step(row) -> int | None:
    return row.span.last if row.span else None


def roadmap_timeline_chart(rows: Sequence, *, today: dt.date) -> ChartView:
    """Deliveries with dates on a timeline, coloured by value-chain step.

    A delivery with start and end is a bar; one with a start only is a marker.
    Tentative deliveries are hatched and open-marked, planned ones solid.
    """
    dated = [row for row in rows if row.delivery.start_date]
    labels = [_label(row) for row in dated]
    figure = Figure()
    for step in [*range(1, len(VALUE_CHAIN) + 1), None]:
        for status in PlanningStatus:
            group = [
                (label, row)
                for label, row in zip(labels, dated, strict=True)
                if _step(row) == step and row.delivery.planning_status == status
            ]
            if group:
                _add_group(figure, group, step, status)
    figure.add_vline(x=today.isoformat(), line={"color": PALETTE["vermillion"]})
    figure.update_layout(
        barmode="overlay",
        xaxis={"type": "date", "title": {"text": _("Date")}},
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(reversed(labels)),
            "automargin": True,
            "tickfont": {"size": 10},
        },
        height=160 + 16 * max(len(dated), 1),
    )
    undated = len(rows) - len(dated)
    summary = _(
        "%(dated)d deliveries with a start date on the timeline; %(undated)d "
        "without dates are listed in the tables below, which hold every figure of "
        "the chart. Bars run from start to end "
        "date; a diamond marks a delivery with a start date only. The red line "
        "is today."
    ) % {"dated": len(dated), "undated": undated}
    return chart_view(
        figure,
        chart_id="chart-roadmap",
        title=_("Roadmap deliveries over time"),
        summary=summary,
        # The delivery tables under the chart on the same page are its table
        # equivalent; repeating them here would double the page's weight.
        columns=[],
        rows=[],
    )


def _add_group(figure: Figure, group, step: int | None, status: str) -> None:
    colour = STEP_COLOURS[step - 1] if step else UNKNOWN_COLOUR
    phase = VALUE_CHAIN[step - 1] if step else _("Phase not given")
    tentative = status == PlanningStatus.TENTATIVE
    name = f"{phase} – {PlanningStatus(status).label}"
    bars = [(label, row) for label, row in group if row.delivery.end_date]
    points = [(label, row) for label, row in group if not row.delivery.end_date]
    if bars:
        figure.add_bar(
            y=[label for label, _row in bars],
            base=[row.delivery.start_date.isoformat() for _label, row in bars],
            x=[
                (row.delivery.end_date - row.delivery.start_date).days * DAY_MS
                or DAY_MS
                for _label, row in bars
            ],
            orientation="h",
            name=name,
            legendgroup=name,
            marker={
                "color": colour,
                "opacity": 0.6 if tentative else 1,
                "pattern": {"shape": "/" if tentative else ""},
            },
            hovertemplate="%{y}<extra>" + name + "</extra>",
        )
    if points:
        figure.add_scatter(
            y=[label for label, _row in points],
            x=[row.delivery.start_date.isoformat() for _label, row in points],
            mode="markers",
            name=name,
            legendgroup=name,
            showlegend=not bars,
            marker={
                "symbol": "diamond-open" if tentative else "diamond",
                "size": 9,
                "color": colour,
                "line": {"width": 2, "color": colour},
            },
            hovertemplate="%{y}: %{x}<extra>" + name + "</extra>",
        )
