"""The map of Norway by county, drawn by plotly.js from the static boundaries.

The partial is rendered with demo values for the 15 counties into a page
served at the live server's origin, with the site's styles, scripts and
Content-Security-Policy, so the geometry and plotly.js come from the static
files as on the real page (the integrator points this at the indicator page).
"""

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation

from core.middleware import _policy
from core.roles import Role
from indicators import maps
from indicators.progress import STATUSES

pytestmark = pytest.mark.django_db(transaction=True)

COUNTIES = {
    "03": "Oslo", "11": "Rogaland", "15": "Møre og Romsdal", "18": "Nordland",
    "31": "Østfold", "32": "Akershus", "33": "Buskerud", "34": "Innlandet",
    "39": "Vestfold", "40": "Telemark", "42": "Agder", "46": "Vestland",
    "50": "Trøndelag", "55": "Troms", "56": "Finnmark",
}  # fmt: skip
PAGE = "/__region_map__"


def _areas():
    return [
        maps.RegionArea(
            code=code,
            name=name,
            value=None if i == 14 else Decimal(40) + Decimal(i) * Decimal("2.5"),
            status=STATUSES[i % len(STATUSES)],
            period="2025",
        )
        for i, (code, name) in enumerate(sorted(COUNTIES.items()))
    ]


def _page_html(colour_by: str, areas, level: str) -> str:
    with translation.override("nb"):
        view = maps.region_map(areas, level=level, colour_by=colour_by, unit_label="%")
        body = render_to_string("indicators/_region_map.html", {"region_map": view})
        styles = "".join(
            f'<link rel="stylesheet" href="{static(name)}">'
            for name in (
                "vendor/designsystemet/theme.css",
                "vendor/designsystemet/designsystemet.css",
                "css/app.css",
            )
        )
        # As base.html: layout.js makes a table that scrolls focusable.
        scripts = f'<script src="{static("js/layout.js")}" defer></script>'
        scripts += render_to_string("_partials/chart_scripts.html")
    return (
        '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Kart</title>{styles}{scripts}</head>"
        f'<body><main id="main" class="wrap"><h1>Fylker</h1>{body}</main></body></html>'
    )


def _open(page, colour_by: str, areas=None, level=maps.COUNTY) -> None:
    areas = _areas() if areas is None else areas
    html = _page_html(colour_by, areas, level)
    page.route(
        f"**{PAGE}",
        lambda route: route.fulfill(
            body=html,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": _policy()},
        ),
    )
    page.goto(PAGE)
    # (A locator, not wait_for_function: the CSP forbids evaluating strings.)
    shapes = page.locator("#region-map path.choroplethlocation")
    shapes.nth(len(areas) - 1).wait_for(state="attached", timeout=20_000)


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_county_map_by_status_draws_15_counties_with_legend_and_table(
    page, live_server, check_accessibility
):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    _open(page, maps.BY_STATUS)

    assert page.locator("#region-map path.choroplethlocation").count() == 15
    # One legend entry per status present (six here), with the status names.
    legend = page.locator("#region-map .legend .traces")
    assert legend.count() == len(STATUSES)
    assert "Mål nådd" in page.locator("#region-map .legend").text_content()
    assert "© Kartverket" in page.locator("#region-map .annotation").text_content()
    assert page.get_by_text("© Kartverket, CC BY 4.0").is_visible()
    # Statuses cycle through the six: three counties each have target
    # achieved and good progress, which are on track.
    assert page.get_by_text("6 av 15 fylker i rute").is_visible()

    table = page.locator(".region-map-table table")
    assert table.locator("tbody tr").count() == 15
    page.get_by_text("Vis tallene som tabell").click()
    assert table.locator("tbody tr", has_text="Oslo").locator(
        "td"
    ).first.inner_text() == ("40 %")
    # The map is reachable by keyboard, its name says where the figures are.
    map_box = page.locator("#region-map")
    map_box.focus()
    assert page.evaluate("document.activeElement.id") == "region-map"
    assert "tabellen" in map_box.get_attribute("aria-label")

    # No tiles, no CDN: the boundaries, the world outline, plotly.js all local.
    assert any(url.endswith("/geo/fylker-2024.json") for url in requests)
    assert all(url.startswith(live_server.url) for url in requests), requests
    assert _no_horizontal_overflow(page)
    check_accessibility("region-map-status-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)  # Plotly redraws on resize
    assert page.locator("#region-map path.choroplethlocation").count() == 15
    assert _no_horizontal_overflow(page)
    check_accessibility("region-map-status-390")


def test_county_map_by_value_has_a_colour_bar_with_the_unit(page, check_accessibility):
    _open(page, maps.BY_VALUE)

    assert page.locator("#region-map path.choroplethlocation").count() == 15
    colour_bar = page.locator("#region-map .colorbar")
    assert colour_bar.count() == 1
    assert colour_bar.locator(".cbtitle").text_content() == "%"
    # Finnmark has no value: grey, in the legend as such.
    assert "Ingen verdi" in page.locator("#region-map .legend").text_content()
    assert _no_horizontal_overflow(page)
    check_accessibility("region-map-value-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert _no_horizontal_overflow(page)
    check_accessibility("region-map-value-390")


def test_health_region_map_draws_the_four_regions_without_inner_borders(
    page, check_accessibility
):
    regions = [
        maps.RegionArea(code, name, Decimal(value), status, "2025")
        for code, name, value, status in (
            ("HSØ", "Helse Sør-Øst", 61, STATUSES[0]),
            ("HV", "Helse Vest", 58, STATUSES[1]),
            ("HMN", "Helse Midt-Norge", 55, STATUSES[2]),
            ("HN", "Helse Nord", 49, STATUSES[4]),
        )
    ]
    _open(page, maps.BY_VALUE, regions, maps.HEALTH_REGION)

    assert page.locator("#region-map path.choroplethlocation").count() == 4
    # Target achieved and good progress: Helse Sør-Øst and Helse Vest.
    assert page.get_by_text("2 av 4 helseregioner i rute").is_visible()
    assert page.locator(".region-map-table tbody tr").count() == 4
    check_accessibility("region-map-health-regions-1280")


def test_the_indicator_page_maps_a_demo_indicator_by_county_and_health_region(
    page, log_in, check_accessibility, full_data
):
    """The real page: DEMO-M1-1's values by county (demo data, said so)."""
    log_in(Role.COUNCIL_MEMBER)
    page.goto("/indicators/DEMO-M1-1/")
    shapes = page.locator("#region-map path.choroplethlocation")
    shapes.nth(14).wait_for(state="attached", timeout=20_000)
    assert shapes.count() == 15
    assert page.locator("#region-map .legend .traces").count() >= 1
    assert page.locator(".region-map-table tbody tr").count() == 15
    assert page.get_by_text("av 15 fylker i rute").first.is_visible()
    assert page.locator("h1 .badge-demo").is_visible()
    # The comparison with Norway is drawn too, with its table alternative.
    page.locator("#region-comparison .main-svg").first.wait_for()
    assert _no_horizontal_overflow(page)
    check_accessibility("indicator-regions-1280")

    page.get_by_role("link", name="Helseregioner").click()
    page.wait_for_load_state()
    shapes.nth(3).wait_for(state="attached", timeout=20_000)
    assert shapes.count() == 4
    assert page.locator(".region-map-table tbody tr").count() == 4

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    assert _no_horizontal_overflow(page)
    check_accessibility("indicator-regions-390")

    # Opened on a phone: a legend entry per county stands one to a row, and
    # the plot under it keeps room to be read.
    page.goto("/indicators/DEMO-M1-1/")
    page.locator("#region-comparison .main-svg").first.wait_for()
    page.wait_for_timeout(500)
    plot = page.locator("#region-comparison .nsewdrag").first.bounding_box()
    assert plot["height"] >= 200, plot
