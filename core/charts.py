"""What a page needs to show one chart accessibly: figure, title, summary, table.

Each app's ``charts.py`` builds Plotly figures from selector output and wraps
them in a ChartView; the ``{% chart %}`` tag renders the figure as JSON data
(never as inline script, so a strict CSP holds), a text summary and a data
table equivalent of the chart.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import orjson
from django.utils import formats

# Colour-blind safe palette (Okabe–Ito); status is never carried by colour alone.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "grey": "#666666",
}


LEGEND = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "y": 1,
    "yanchor": "bottom",
    "yref": "paper",
}


class Figure:
    """A Plotly figure as plain data: traces and a layout, as plotly.js reads them.

    Plotly's graph objects validate every property on assignment, which cost
    tens of milliseconds per chart on a page; the figures here are small and
    fixed in shape, so they are built as dicts and tested by their JSON.
    """

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.layout: dict = {}

    def add_scatter(self, **trace) -> None:
        self.data.append({"type": "scatter", **trace})

    def add_bar(self, **trace) -> None:
        self.data.append({"type": "bar", **trace})

    def add_vline(self, *, x, line: dict) -> None:
        self.layout.setdefault("shapes", []).append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": line,
            }
        )

    def update_layout(self, **layout) -> None:
        self.layout.update(layout)

    def to_dict(self) -> dict:
        return {"data": self.data, "layout": self.layout}


@dataclass(frozen=True)
class ChartView:
    chart_id: str
    title: str
    summary: str
    figure_json: str
    columns: Sequence[str]
    rows: Sequence[Sequence[object]]
    # Nothing to draw: the title and summary say so, and no empty axes are shown.
    is_empty: bool = False


def _plotly_separators() -> str:
    """Plotly's ``separators``: the decimal mark, then the thousands separator."""
    return formats.get_format("DECIMAL_SEPARATOR") + formats.get_format(
        "THOUSAND_SEPARATOR"
    )


# Plotly reads a subset of HTML in every text it draws (titles, legends, axis
# and tick labels, hover text): an indicator named '<a href="…">' became a live
# link in the chart. Every string of a figure is therefore escaped to plain
# text, except the hover and text templates, which this code writes itself
# (values enter them through %{…}, escaped as data).
TEMPLATE_KEYS = frozenset({"hovertemplate", "texttemplate"})


def plain_text(value, key: str = ""):
    """The figure (or part of it) with ``&``, ``<`` and ``>`` in its strings
    as entities, which Plotly shows as the characters themselves."""
    if isinstance(value, str):
        if key in TEMPLATE_KEYS:
            return value
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if isinstance(value, dict):
        return {k: plain_text(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_text(item, key) for item in value]
    return value


def _has_points(trace: dict) -> bool:
    return any(len(trace.get(key) or ()) for key in ("x", "y", "values"))


def chart_view(
    figure: Figure,
    *,
    chart_id: str,
    title: str,
    summary: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[object]],
    legend: dict = LEGEND,
    margin_bottom: int = 40,
) -> ChartView:
    # No title inside the drawing: the page's heading (figcaption) carries
    # it, wraps on a phone and can never collide with the legend. The legend
    # sits in one place for every chart, above the plot and left-aligned,
    # where no axis title is; Plotly widens the top margin to fit its rows.
    figure.layout.pop("title", None)
    figure.update_layout(
        legend=legend,
        margin={"l": 48, "r": 16, "t": 16, "b": margin_bottom, "autoexpand": True},
        font={"family": "system-ui, sans-serif", "size": 13},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        # Axis ticks and hover values as the language writes numbers (12,5).
        separators=_plotly_separators(),
    )
    data = plain_text(figure.to_dict())
    return ChartView(
        chart_id=chart_id,
        title=title,
        summary=summary,
        figure_json=orjson.dumps(data).decode(),
        columns=list(columns),
        rows=[list(row) for row in rows],
        is_empty=not any(_has_points(trace) for trace in data.get("data", ())),
    )
