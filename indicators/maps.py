"""A map of Norway by county or health region, and regions compared with Norway.

Built from plain data (selector output as of a date, never querysets), as
``indicators/charts.py`` builds its charts, and returned as ``ChartView``s.

The geometry is never in the figure: the choropleth's ``geojson`` is the URL
of a static file (``static/geo/``, made by ``make geo``), which plotly.js
fetches once and the browser caches. The base map is switched off: no tiles,
no request leaves the site (``MAP_CONFIG``).

"On track" (the count line "9 of 15 counties on track") means the status
``target_achieved`` or ``substantial_progress`` (Mål nådd, God fremgang):
the two statuses where the target is reached or the pace is at least 95 % of
the one needed; "Progress – must be strengthened" is not on track.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.charts import PALETTE, ChartView, Figure, chart_view
from core.numbers import NO_NUMBER, decimal_text, number_text, with_unit
from indicators.charts import ChartPoint
from indicators.progress import NOT_AVAILABLE, STATUSES, SUBSTANTIAL, TARGET_ACHIEVED
from strategy.models import ProgressStatus
from strategy.status_style import STATUS_STYLE

COUNTY = "county"
HEALTH_REGION = "health_region"
LEVELS = (COUNTY, HEALTH_REGION)
BY_VALUE = "value"
BY_STATUS = "status"
ON_TRACK = frozenset({TARGET_ACHIEVED, SUBSTANTIAL})

GEOJSON_FILES = {
    COUNTY: "geo/fylker-2024.json",
    HEALTH_REGION: "geo/helseregioner-2024.json",
}
CREDIT = "© Kartverket"
# plotly.js loads a world outline for every map, even one that does not show
# it (geo.visible false): served from here as an empty topology
# (static/geo/topojson/world_110m.json), never from Plotly's CDN.
TOPOJSON_DIR = "geo/topojson/"
NO_VALUE_COLOUR = "#d9d9d9"
# Light to dark blue: sequential, readable for every kind of colour vision.
VALUE_SCALE = [[0.0, "#deebf7"], [0.5, "#6baed6"], [1.0, "#08306b"]]
BORDER = {"color": "#ffffff", "width": 0.8}
LABELS = dict(ProgressStatus.choices)


def _level_label(level: str) -> str:
    return _("Health region") if level == HEALTH_REGION else _("County")


@dataclass(frozen=True)
class RegionArea:
    """One region's latest value and status as of the page's date."""

    code: str  # county number ("03") or health region code ("HSØ")
    name: str
    value: Decimal | None
    status: str | None  # one of indicators.progress.STATUSES; None: no status
    period: str = ""  # period label of the value: 2024, 2024-Q3, 2024-06

    @property
    def label(self) -> str:
        """The name for an HTML table: marked with its language if it has one."""
        return marked(self.name)

    @property
    def status_code(self) -> str:
        return self.status if self.status in STATUSES else NOT_AVAILABLE

    @property
    def status_label(self) -> str:
        return str(LABELS[self.status_code])


@dataclass(frozen=True)
class RegionSeries:
    code: str
    name: str
    points: Sequence[ChartPoint]

    @property
    def label(self) -> str:
        return marked(self.name)


def marked(name: str) -> str:
    """A name in a table cell, in a ``lang`` span when it is in another
    language than the page's (``core.texts.text_in_language``: a Norwegian
    place name on an English page)."""
    lang = getattr(name, "lang", "")
    return format_html('<span lang="{}">{}</span>', lang, name) if lang else name


@dataclass(frozen=True)
class RegionMapView:
    """What ``templates/indicators/_region_map.html`` shows."""

    chart: ChartView
    rows: Sequence[tuple[RegionArea, str]]  # each area and its value with unit
    on_track: str  # "9 of 15 counties on track"
    unit_label: str
    level_label: str


class MapFigure(Figure):
    """A figure that carries its plotly.js config (where the world outline is)."""

    def __init__(self, config: dict) -> None:
        super().__init__()
        self.config = config

    def to_dict(self) -> dict:
        return {**super().to_dict(), "config": self.config}


def status_counts(areas: Sequence[RegionArea]) -> dict[str, int]:
    """Areas per status, in the order of ``STATUSES``, statuses present only."""
    counts = Counter(area.status_code for area in areas)
    return {status: counts[status] for status in STATUSES if counts[status]}


def on_track_count(areas: Sequence[RegionArea]) -> int:
    return sum(1 for area in areas if area.status_code in ON_TRACK)


def on_track_text(areas: Sequence[RegionArea], level: str) -> str:
    """ "9 of 15 counties on track" ("9 av 15 fylker i rute")."""
    total = len(areas)
    values = {"count": on_track_count(areas), "total": total}
    if level == HEALTH_REGION:
        text = ngettext(
            "%(count)d of %(total)d health region on track",
            "%(count)d of %(total)d health regions on track",
            total,
        )
    else:
        text = ngettext(
            "%(count)d of %(total)d county on track",
            "%(count)d of %(total)d counties on track",
            total,
        )
    return text % values


def _value_text(area: RegionArea, unit_label: str) -> str:
    if area.value is None:
        return NO_NUMBER
    return with_unit(decimal_text(area.value), unit_label)


def _hover(area: RegionArea, unit_label: str) -> list[str]:
    value = _value_text(area, unit_label)
    if area.period and area.value is not None:
        value = f"{value} ({area.period})"
    return [area.name, value, area.status_label]


HOVER = "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>"


def _choropleth(
    areas: Sequence[RegionArea], geojson_url: str, unit_label: str, **trace
):
    return {
        "type": "choropleth",
        "geojson": geojson_url,  # a URL: fetched once, never embedded
        "featureidkey": "id",
        "locations": [area.code for area in areas],
        "customdata": [_hover(area, unit_label) for area in areas],
        "hovertemplate": HOVER,
        "marker": {"line": BORDER},
        **trace,
    }


def _flat(colour: str) -> list[list]:
    return [[0, colour], [1, colour]]


def _by_status(
    figure: Figure, areas: Sequence[RegionArea], geojson_url: str, unit_label: str
) -> None:
    """One trace per status present: its colour, a legend entry with its icon,
    and the icon on each area (colour is never the only carrier)."""
    for status in status_counts(areas):
        colour, _pattern, icon = STATUS_STYLE[status]
        members = [area for area in areas if area.status_code == status]
        figure.data.append(
            _choropleth(
                members,
                geojson_url,
                unit_label,
                z=[1] * len(members),
                colorscale=_flat(colour),
                showscale=False,
                showlegend=True,
                name=f"{icon} {LABELS[status]}",
                legendgroup=status,
            )
        )
        figure.data.append(
            {
                "type": "scattergeo",
                "geojson": geojson_url,
                "featureidkey": "id",
                "locationmode": "geojson-id",
                "locations": [area.code for area in members],
                "mode": "text",
                "text": [icon] * len(members),
                "textfont": {"size": 13, "color": "#000000"},
                "hoverinfo": "skip",
                "showlegend": False,
                "legendgroup": status,
            }
        )


def _by_value(
    figure: Figure, areas: Sequence[RegionArea], geojson_url: str, unit_label: str
) -> None:
    """A continuous scale with a colour bar titled with the unit; areas with
    no value grey, with a legend entry saying so."""
    valued = [area for area in areas if area.value is not None]
    missing = [area for area in areas if area.value is None]
    if valued:
        figure.data.append(
            _choropleth(
                valued,
                geojson_url,
                unit_label,
                z=[float(area.value) for area in valued if area.value is not None],
                colorscale=VALUE_SCALE,
                showscale=True,
                name=unit_label or _("Value"),
                colorbar={
                    # Below the map, across: never beside a narrow map on a phone.
                    "orientation": "h",
                    "x": 0,
                    "xanchor": "left",
                    "y": 0,
                    "yanchor": "top",
                    "thickness": 12,
                    "lenmode": "pixels",
                    "len": 240,
                    "title": {"text": unit_label or _("Value"), "side": "top"},
                },
            )
        )
    if missing:
        figure.data.append(
            _choropleth(
                missing,
                geojson_url,
                unit_label,
                z=[0] * len(missing),
                colorscale=_flat(NO_VALUE_COLOUR),
                showscale=False,
                showlegend=True,
                name=_("No value"),
            )
        )


def geojson_url(level: str) -> str:
    return static(GEOJSON_FILES[level])


def region_map_figure(
    areas: Sequence[RegionArea],
    *,
    level: str,
    colour_by: str,
    geojson_url: str,
    unit_label: str = "",
    chart_id: str = "region-map",
    title: str = "",
) -> ChartView:
    """A choropleth of Norway by county or health region, coloured by the
    latest value or by status."""
    if level not in LEVELS or colour_by not in (BY_VALUE, BY_STATUS):
        raise ValueError(f"unknown map: {level} by {colour_by}")
    figure = MapFigure({"topojsonURL": static(TOPOJSON_DIR), "scrollZoom": False})
    if colour_by == BY_STATUS:
        _by_status(figure, areas, geojson_url, unit_label)
    else:
        _by_value(figure, areas, geojson_url, unit_label)
    figure.update_layout(
        geo={
            "visible": False,  # no base map, no tiles: only the regions
            "scope": "world",
            "resolution": 110,
            # Norway's extent, not ``fitbounds``: plotly.js fits bounds before
            # it has fetched the geometry from its URL, and would show the
            # whole globe. Both levels cover the same land.
            "fitbounds": False,
            "lonaxis": {"range": [4.4, 31.3]},
            "lataxis": {"range": [57.9, 71.2]},
            # Rotated to 15° east (UTM zone 33, as Norway's own maps): the
            # north keeps its shape instead of swelling as in Mercator.
            "projection": {"type": "transverse mercator", "rotation": {"lon": 15}},
            "bgcolor": "rgba(0,0,0,0)",
        },
        height=560,
        dragmode=False,
        annotations=[
            {
                "text": CREDIT,
                "x": 1,
                "y": 0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": "#4d4d4d"},
            }
        ],
    )
    return chart_view(
        figure,
        chart_id=chart_id,
        title=title or _map_title(level, colour_by),
        summary=_map_summary(areas, level, colour_by, unit_label),
        columns=[_level_label(level), _("Value"), _("Period"), _("Status")],
        rows=[
            [area.label, _value_text(area, unit_label), area.period, area.status_label]
            for area in areas
        ],
        margin_bottom=72 if colour_by == BY_VALUE else 24,
    )


def _map_title(level: str, colour_by: str) -> str:
    if colour_by == BY_STATUS:
        return (
            _("Status by health region")
            if level == HEALTH_REGION
            else _("Status by county")
        )
    return (
        _("Latest value by health region")
        if level == HEALTH_REGION
        else _("Latest value by county")
    )


def _map_summary(
    areas: Sequence[RegionArea], level: str, colour_by: str, unit_label: str
) -> str:
    parts = []
    if colour_by == BY_STATUS:
        # Per status, best first: "Mål nådd: 3, God fremgang: 3, …".
        counts = status_counts(areas)
        parts.append(
            ", ".join(f"{LABELS[status]}: {count}" for status, count in counts.items())
            + "."
        )
    valued = [area for area in areas if area.value is not None]
    if colour_by == BY_VALUE and valued:
        low = min(valued, key=lambda area: area.value or 0)
        high = max(valued, key=lambda area: area.value or 0)
        parts.append(
            _("Lowest %(low_name)s (%(low)s), highest %(high_name)s (%(high)s).")
            % {
                "low_name": low.name,
                "low": _value_text(low, unit_label),
                "high_name": high.name,
                "high": _value_text(high, unit_label),
            }
        )
    parts.append(_("Map data %(credit)s.") % {"credit": CREDIT})
    return " ".join(parts)


def region_map(
    areas: Sequence[RegionArea],
    *,
    level: str,
    colour_by: str,
    unit_label: str = "",
    chart_id: str = "region-map",
) -> RegionMapView:
    """Everything the map partial shows: the map, its table and the count."""
    return RegionMapView(
        chart=region_map_figure(
            areas,
            level=level,
            colour_by=colour_by,
            geojson_url=geojson_url(level),
            unit_label=unit_label,
            chart_id=chart_id,
        ),
        rows=[(area, _value_text(area, unit_label)) for area in areas],
        on_track=on_track_text(areas, level),
        unit_label=unit_label,
        level_label=_level_label(level),
    )


# Dashes as well as colours: each region's line can be told apart in grey.
DASHES = ("solid", "dot", "dash", "longdash", "dashdot", "longdashdot")
REGION_COLOURS = (
    PALETTE["blue"],
    PALETTE["orange"],
    PALETTE["green"],
    PALETTE["vermillion"],
    PALETTE["purple"],
    PALETTE["sky"],
)
NATIONAL = {"color": "#000000", "width": 4}
# Names enter as data (customdata), never as template text.
SERIES_HOVER = "%{customdata[1]}<br>%{customdata[0]}: %{y}<extra></extra>"


def region_comparison_figure(
    national: Sequence[ChartPoint],
    regions: Sequence[RegionSeries],
    *,
    unit_label: str = "",
    chart_id: str = "region-comparison",
    as_of_label: str = "",
) -> ChartView:
    """Each region's series as a thin line against the national one (thick,
    black, drawn last so it is on top)."""
    figure = Figure()
    for i, region in enumerate(regions):
        figure.add_scatter(
            x=[p.time for p in region.points],
            y=[p.value for p in region.points],
            mode="lines+markers",
            name=region.name,
            line={
                "color": REGION_COLOURS[i % len(REGION_COLOURS)],
                "width": 1.5,
                "dash": DASHES[i % len(DASHES)],
            },
            marker={"size": 5},
            customdata=[[p.label, region.name] for p in region.points],
            hovertemplate=SERIES_HOVER,
        )
    figure.add_scatter(
        x=[p.time for p in national],
        y=[p.value for p in national],
        mode="lines+markers",
        name=_("Norway"),
        line=NATIONAL,
        marker={"size": 8, "symbol": "diamond"},
        customdata=[[p.label, _("Norway")] for p in national],
        hovertemplate=SERIES_HOVER,
    )
    figure.update_layout(
        xaxis={"tickformat": "d", "dtick": 1, "title": {"text": _("Year")}},
        yaxis={"title": {"text": unit_label}, "rangemode": "tozero"},
        # A legend entry per region: on a phone they stand one to a row (the
        # legend scrolls past half the height), so the plot gets room below.
        height=400 + 12 * len(regions),
    )
    periods = sorted(
        {
            (p.time, p.label)
            for series in [national, *(r.points for r in regions)]
            for p in series
        }
    )
    return chart_view(
        figure,
        chart_id=chart_id,
        title=_("Regions compared with Norway"),
        summary=_comparison_summary(national, regions, unit_label, as_of_label),
        columns=[_("Period"), _("Norway"), *(region.label for region in regions)],
        rows=_comparison_rows(periods, [national, *(r.points for r in regions)]),
    )


def _comparison_rows(
    periods: list[tuple[float, str]], series: list[Sequence[ChartPoint]]
) -> list[list[str]]:
    """A row per period: its label, then each series' value or a dash. Each
    distinct number is formatted once (ten years of months in 16 series are
    thousands of cells)."""
    by_time = [{p.time: p.value for p in points} for points in series]
    texts: dict[float, str] = {}

    def text(value: float | None) -> str:
        if value is None:
            return NO_NUMBER
        if (found := texts.get(value)) is None:
            found = texts[value] = number_text(value)
        return found

    return [
        [label, *(text(values.get(time)) for values in by_time)]
        for time, label in periods
    ]


def _comparison_summary(
    national: Sequence[ChartPoint],
    regions: Sequence[RegionSeries],
    unit_label: str,
    as_of_label: str,
) -> str:
    if not national and not any(region.points for region in regions):
        return _("No approved values yet.")
    parts = []
    if as_of_label:
        parts.append(_("As of %(date)s.") % {"date": as_of_label})
    if national:
        last = national[-1]
        parts.append(
            _("Norway: %(value)s in %(period)s.")
            % {
                "value": with_unit(number_text(last.value), unit_label),
                "period": last.label,
            }
        )
        above = [
            region.name
            for region in regions
            if region.points
            and region.points[-1].time == last.time
            and region.points[-1].value > last.value
        ]
        parts.append(
            ngettext(
                "%(count)d region above the national value in %(period)s.",
                "%(count)d regions above the national value in %(period)s.",
                len(above),
            )
            % {"count": len(above), "period": last.label}
        )
    return " ".join(parts)
