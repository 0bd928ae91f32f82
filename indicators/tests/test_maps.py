import json
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from indicators import maps
from indicators.charts import ChartPoint
from indicators.progress import (
    DETERIORATION,
    MODERATE,
    NOT_AVAILABLE,
    SUBSTANTIAL,
    TARGET_ACHIEVED,
)
from strategy.status_style import STATUS_STYLE

CODES = [
    "03", "11", "15", "18", "31", "32", "33", "34",
    "39", "40", "42", "46", "50", "55", "56",
]  # fmt: skip
STATUS_CYCLE = [TARGET_ACHIEVED, SUBSTANTIAL, MODERATE, DETERIORATION, None]
URL = "/static/geo/fylker-2024.json"


def counties(values=None):
    """15 counties; statuses in a cycle (6 on track), values 1000.5, 1001.5 …"""
    return [
        maps.RegionArea(
            code=code,
            name=f"Fylke {code}",
            value=Decimal("1000.5") + i if values is None else values[i],
            status=STATUS_CYCLE[i % len(STATUS_CYCLE)],
            period="2025",
        )
        for i, code in enumerate(CODES)
    ]


def figure(areas, colour_by, language="nb", **kwargs):
    with translation.override(language):
        view = maps.region_map_figure(
            areas,
            level=maps.COUNTY,
            colour_by=colour_by,
            geojson_url=URL,
            unit_label="%",
            **kwargs,
        )
    return view, json.loads(view.figure_json)


def choropleths(data):
    return [t for t in data["data"] if t["type"] == "choropleth"]


def test_map_by_status_has_the_15_counties_from_the_static_file_never_embedded():
    _view, data = figure(counties(), maps.BY_STATUS)
    traces = choropleths(data)
    assert sorted(c for t in traces for c in t["locations"]) == sorted(CODES)
    for trace in traces:
        assert trace["geojson"] == URL  # a URL string, fetched once and cached
        assert trace["featureidkey"] == "id"
    assert data["layout"]["geo"]["visible"] is False  # no base map, no tiles
    assert data["config"]["topojsonURL"].endswith("/geo/topojson/")


def test_map_by_status_has_one_legend_entry_per_status_present_in_its_colour():
    with translation.override("nb"):
        _view, data = figure(counties(), maps.BY_STATUS)
    traces = choropleths(data)
    statuses = [TARGET_ACHIEVED, SUBSTANTIAL, MODERATE, DETERIORATION, NOT_AVAILABLE]
    assert [t["legendgroup"] for t in traces] == statuses
    assert all(t["showlegend"] and not t["showscale"] for t in traces)
    assert traces[0]["name"] == "✔ Mål nådd"
    for trace, status in zip(traces, statuses, strict=True):
        colour = STATUS_STYLE[status][0]
        assert trace["colorscale"] == [[0, colour], [1, colour]]
    # No status is shown by colour alone: its icon is on every county.
    icons = [t for t in data["data"] if t["type"] == "scattergeo"]
    assert [t["text"][0] for t in icons] == [STATUS_STYLE[s][2] for s in statuses]
    assert sum(len(t["locations"]) for t in icons) == 15


def test_map_by_value_has_a_colour_bar_titled_with_the_unit_and_grey_for_none():
    values = [Decimal(i) for i in range(14)] + [None]
    _view, data = figure(counties(values), maps.BY_VALUE)
    scale, missing = choropleths(data)
    assert scale["showscale"] is True
    assert scale["colorbar"]["title"]["text"] == "%"
    assert scale["z"] == [float(i) for i in range(14)]
    assert missing["locations"] == ["56"] and missing["name"] == "Ingen verdi"
    assert missing["showscale"] is False and missing["showlegend"] is True


@pytest.mark.parametrize(
    ("language", "value", "decimal_mark"),
    [("nb", "1\xa0000,5 %", ","), ("en", "1,000.5 %", ".")],
)
def test_hover_and_table_write_numbers_as_the_language_does(
    language, value, decimal_mark
):
    view, data = figure(counties(), maps.BY_VALUE, language=language)
    trace = choropleths(data)[0]
    assert trace["customdata"][0][0] == "Fylke 03"
    assert trace["customdata"][0][1] == f"{value} (2025)"
    assert "%{customdata[1]}" in trace["hovertemplate"]
    assert data["layout"]["separators"][0] == decimal_mark  # the colour bar's
    assert view.rows[0][:3] == ["Fylke 03", value, "2025"]


def test_map_credits_kartverket_on_the_map_and_in_the_summary():
    view, data = figure(counties(), maps.BY_STATUS)
    assert [a["text"] for a in data["layout"]["annotations"]] == ["© Kartverket"]
    assert "© Kartverket" in view.summary


def test_a_name_with_markup_reaches_plotly_as_plain_text():
    areas = [maps.RegionArea("03", "<b>Oslo</b>", Decimal(1), TARGET_ACHIEVED)]
    _view, data = figure(areas, maps.BY_STATUS)
    assert choropleths(data)[0]["customdata"][0][0] == "&lt;b&gt;Oslo&lt;/b&gt;"


def test_unknown_level_or_colouring_is_refused():
    with pytest.raises(ValueError, match="unknown map"):
        maps.region_map_figure(
            counties(), level="country", colour_by="value", geojson_url=URL
        )


def test_status_counts_in_status_order_and_an_unknown_status_cannot_be_assessed():
    areas = [
        *counties(),
        maps.RegionArea("99", "Ukjent", None, "something_else"),
    ]
    assert maps.status_counts(areas) == {
        TARGET_ACHIEVED: 3,
        SUBSTANTIAL: 3,
        MODERATE: 3,
        DETERIORATION: 3,
        NOT_AVAILABLE: 4,
    }


@pytest.mark.parametrize(
    ("language", "level", "expected"),
    [
        ("nb", maps.COUNTY, "6 av 15 fylker i rute"),
        ("en", maps.COUNTY, "6 of 15 counties on track"),
        ("nb", maps.HEALTH_REGION, "6 av 15 helseregioner i rute"),
    ],
)
def test_on_track_counts_target_achieved_and_good_progress(language, level, expected):
    with translation.override(language):
        assert maps.on_track_text(counties(), level) == expected


def test_on_track_of_one_region_is_in_the_singular():
    one = [maps.RegionArea("HN", "Helse Nord", Decimal(3), MODERATE)]
    with translation.override("nb"):
        assert maps.on_track_text(one, maps.HEALTH_REGION) == (
            "0 av 1 helseregion i rute"
        )


def test_region_map_partial_has_the_table_alternative_and_the_credit():
    with translation.override("nb"):
        view = maps.region_map(
            counties(), level=maps.COUNTY, colour_by=maps.BY_STATUS, unit_label="%"
        )
        html = render_to_string("indicators/_region_map.html", {"region_map": view})
    assert html.count('<th scope="row">') == 15
    assert "Siste verdi (%)" in html
    assert "1\xa0000,5 %" in html
    assert "6 av 15 fylker i rute" in html
    assert 'class="ds-tag status-target_achieved"' in html
    assert 'tabindex="0"' in html and "Kart: Status per fylke." in html
    assert "© Kartverket" in html and "CC BY 4.0" in html
    assert 'data-figure="region-map-data"' in html
    assert view.chart.figure_json.count('"geojson":"/static/geo/fylker-2024.json"')


def test_comparison_has_each_region_and_norway_emphasised_on_top():
    national = [ChartPoint("2023", 2023.0, 50.0), ChartPoint("2024", 2024.0, 55.0)]
    regions = [
        maps.RegionSeries("HV", "Helse Vest", [ChartPoint("2024", 2024.0, 57.25)]),
        maps.RegionSeries("HN", "Helse Nord", [ChartPoint("2023", 2023.0, 40.0)]),
    ]
    with translation.override("nb"):
        view = maps.region_comparison_figure(
            national, regions, unit_label="%", as_of_label="01.03.2026"
        )
    data = json.loads(view.figure_json)
    assert [t["name"] for t in data["data"]] == ["Helse Vest", "Helse Nord", "Norge"]
    norway = data["data"][-1]
    assert norway["line"]["width"] > data["data"][0]["line"]["width"]
    assert data["data"][0]["line"]["dash"] != data["data"][1]["line"]["dash"]
    # Names reach the hover as data, not as template text.
    assert data["data"][0]["customdata"] == [["2024", "Helse Vest"]]
    assert view.columns == ["Periode", "Norge", "Helse Vest", "Helse Nord"]
    assert view.rows == [["2023", "50", "–", "40"], ["2024", "55", "57,25", "–"]]
    assert view.summary == (
        "Per 01.03.2026. Norge: 55 % i 2024. 1 region over landsverdien i 2024."
    )
    # The legend above the plot, where no title or axis is (core.charts).
    assert data["layout"]["legend"]["yanchor"] == "bottom"
    assert "title" not in data["layout"]


def test_comparison_without_values_says_so():
    with translation.override("en"):
        view = maps.region_comparison_figure([], [])
    assert view.summary == "No approved values yet."
    assert view.is_empty
