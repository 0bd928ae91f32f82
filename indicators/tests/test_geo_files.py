"""The committed map files and region code list (indicators/geo_build.py).

Their shape is checked always; that they are exactly what the build makes
from Kartverket's files is checked where ``../shared/geo`` is present.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from indicators import geo_build

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared" / "geo"
COUNTY_CODES = {
    "03", "11", "15", "18", "31", "32", "33", "34",
    "39", "40", "42", "46", "50", "55", "56",
}  # fmt: skip
OUTPUTS = (
    geo_build.COUNTIES_OUT,
    geo_build.REGIONS_OUT,
    geo_build.SOURCE_OUT,
    geo_build.CODE_LIST_OUT,
)


def _load(name: str):
    return json.loads((ROOT / name).read_text(encoding="utf-8"))


def _rings(feature: dict):
    assert feature["geometry"]["type"] == "MultiPolygon"
    for polygon in feature["geometry"]["coordinates"]:
        yield from polygon


def test_counties_file_has_the_15_counties_of_2024_with_their_names():
    features = _load(geo_build.COUNTIES_OUT)["features"]
    assert {f["id"] for f in features} == COUNTY_CODES
    names = {f["id"]: f["properties"]["name"] for f in features}
    assert names["03"] == "Oslo"
    assert names["56"] == "Finnmark"  # the short name, not the Sami/Kven one


def test_every_ring_is_closed_and_rounded():
    for name in (geo_build.COUNTIES_OUT, geo_build.REGIONS_OUT):
        for feature in _load(name)["features"]:
            for ring in _rings(feature):
                assert len(ring) >= 4
                assert ring[0] == ring[-1]
                for lon, lat in ring:
                    assert 4 < lon < 32 and 57 < lat < 72  # Norway's mainland
                    assert round(lon, geo_build.DECIMALS) == lon


def test_outer_rings_run_clockwise_as_plotly_draws_them():
    # d3-geo fills a counter-clockwise ring as the whole globe outside it.
    for name in (geo_build.COUNTIES_OUT, geo_build.REGIONS_OUT):
        for feature in _load(name)["features"]:
            for polygon in feature["geometry"]["coordinates"]:
                assert geo_build.ring_area_km2(polygon[0]) < 0
                assert all(geo_build.ring_area_km2(h) > 0 for h in polygon[1:])


def test_health_regions_are_the_four_and_cover_all_15_counties_once():
    features = _load(geo_build.REGIONS_OUT)["features"]
    assert [f["id"] for f in features] == ["HSØ", "HV", "HMN", "HN"]
    members = Counter(
        county for *_names, counties in geo_build.HEALTH_REGIONS for county in counties
    )
    assert set(members) == COUNTY_CODES
    assert set(members.values()) == {1}


def test_a_health_region_covers_the_area_of_its_counties():
    counties = {f["id"]: f for f in _load(geo_build.COUNTIES_OUT)["features"]}
    regions = {f["id"]: f for f in _load(geo_build.REGIONS_OUT)["features"]}

    def area(feature):  # outer rings clockwise: negative areas
        return -sum(geo_build.ring_area_km2(ring) for ring in _rings(feature))

    for code, _name, _en, members in geo_build.HEALTH_REGIONS:
        expected = sum(area(counties[c]) for c in members)
        # A union, not a collection: no internal borders, about the same area
        # (small islands are left out per feature, so not exactly).
        assert area(regions[code]) == pytest.approx(expected, rel=0.02)
    assert sum(area(f) for f in regions.values()) == pytest.approx(
        323_800, rel=0.03
    )  # Norway's mainland and coastal islands, km²


def test_code_list_is_health_regions_then_counties_then_municipalities():
    entries = _load(geo_build.CODE_LIST_OUT)
    levels = [e["level"] for e in entries]
    assert levels == sorted(
        levels, key=["health_region", "county", "municipality"].index
    )
    assert all(
        set(e) == {"code", "name", "name_en", "full_name", "level", "parent"}
        for e in entries
    )
    by_level = {
        level: [e for e in entries if e["level"] == level] for level in set(levels)
    }
    assert [e["code"] for e in by_level["health_region"]] == ["HSØ", "HV", "HMN", "HN"]
    assert by_level["health_region"][0]["name_en"] == (
        "South-Eastern Norway Regional Health Authority"
    )
    counties = by_level["county"]
    assert [e["code"] for e in counties] == sorted(COUNTY_CODES)
    assert {e["parent"] for e in counties} == {"HSØ", "HV", "HMN", "HN"}
    assert next(e for e in counties if e["code"] == "55")["full_name"] == (
        "Troms - Romsa - Tromssa"
    )
    municipalities = by_level["municipality"]
    assert len(municipalities) == 357
    assert [e["code"] for e in municipalities] == sorted(
        e["code"] for e in municipalities
    )
    assert all(e["parent"] == e["code"][:2] in COUNTY_CODES for e in municipalities)
    assert next(e for e in municipalities if e["code"] == "0301")["name"] == "Oslo"


def test_map_files_stay_small_enough_for_a_page():
    counties = (ROOT / geo_build.COUNTIES_OUT).stat().st_size
    regions = (ROOT / geo_build.REGIONS_OUT).stat().st_size
    assert counties < 100_000
    assert regions < 100_000
    assert counties + regions < 150_000


def test_credit_names_kartverket_the_licence_and_the_upstream_commit():
    text = (ROOT / geo_build.SOURCE_OUT).read_text(encoding="utf-8")
    assert "© Kartverket, CC BY 4.0" in text
    assert "robhop/fylker-og-kommuner, commit ae87825" in text


def test_douglas_peucker_keeps_the_ends_and_corners_beyond_the_tolerance():
    # 0.01° of latitude is about 1.1 km: the bump at 0.1 stays, the 0.001 not.
    line = [(10.0, 60.0), (10.05, 60.001), (10.1, 60.0), (10.15, 60.1), (10.2, 60.0)]
    assert geo_build.douglas_peucker(line, 1.0) == [
        (10.0, 60.0),
        (10.1, 60.0),
        (10.15, 60.1),
        (10.2, 60.0),
    ]


# Only where Kartverket's files are (a checkout next to ../shared): defined
# conditionally rather than skipped, so that no test is ever skipped.
if SOURCE.is_dir():

    def test_committed_files_are_what_the_build_makes_from_the_source(tmp_path):
        geo_build.build(SOURCE, tmp_path)
        for name in OUTPUTS:
            assert (tmp_path / name).read_bytes() == (ROOT / name).read_bytes(), (
                f"{name} is out of date: run `make geo` and commit"
            )
