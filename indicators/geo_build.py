"""Build the map files the browser loads and the region code list.

    python -m indicators.geo_build [SOURCE_DIR] [OUT_ROOT]

SOURCE_DIR holds Kartverket's boundaries as ``fylker-2024.geojson`` and
``kommuner-2024.geojson`` (``../shared/geo``, see its SOURCE.md); OUT_ROOT is
the repository (the default). It writes, to be committed:

* ``static/geo/fylker-2024.json``: the 15 counties, simplified for a page;
* ``static/geo/helseregioner-2024.json``: the four health regions, each the
  union of its counties;
* ``static/geo/SOURCE.md``: the credit and how the files were made;
* ``indicators/data/regions.json``: the code list of health regions, counties
  and municipalities.

No Django and no dependency: the same input always gives the same bytes, which
``indicators/tests/test_geo_files.py`` checks.

How the geometry is simplified: the counties share their borders point for
point, so each ring is cut into chains where the set of counties owning its
points changes (a border between two counties, a stretch of coast). Every
chain is simplified once with Douglas–Peucker (in kilometres, longitude scaled
by the cosine of the latitude) and used by both its sides, so neighbours keep
one common border without gaps or overlaps. A health region is the union of
its counties: the chains owned by one of its counties only, joined end to end.
Polygons smaller than ``MIN_AREA_KM2`` (small islands) are left out, except a
county's largest; coordinates are rounded to ``DECIMALS`` places. Outer rings
run clockwise, as d3-geo (plotly.js) needs.
"""

import json
import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path

Point = tuple[float, float]
Ring = list[Point]

TOLERANCE_KM = 2.0
MIN_AREA_KM2 = 20.0
DECIMALS = 4
KM_PER_DEGREE = 111.32

UPSTREAM = "robhop/fylker-og-kommuner, commit ae87825 (2025-04-08)"
COUNTIES_FILE = "fylker-2024.geojson"
MUNICIPALITIES_FILE = "kommuner-2024.geojson"
COUNTIES_OUT = "static/geo/fylker-2024.json"
REGIONS_OUT = "static/geo/helseregioner-2024.json"
SOURCE_OUT = "static/geo/SOURCE.md"
CODE_LIST_OUT = "indicators/data/regions.json"

# The regional health authorities and their counties (FOR-2007-02-02-127,
# as today's counties), in the order the code list and the maps use.
HEALTH_REGIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "HSØ",
        "Helse Sør-Øst",
        "South-Eastern Norway Regional Health Authority",
        ("03", "31", "32", "33", "34", "39", "40", "42"),
    ),
    ("HV", "Helse Vest", "Western Norway Regional Health Authority", ("11", "46")),
    (
        "HMN",
        "Helse Midt-Norge",
        "Central Norway Regional Health Authority",
        ("15", "50"),
    ),
    (
        "HN",
        "Helse Nord",
        "Northern Norway Regional Health Authority",
        ("18", "55", "56"),
    ),
)


# Geometry -------------------------------------------------------------------


def _xy(point: Point) -> tuple[float, float]:
    """Kilometres on a local plane: good enough for distances of a few km."""
    lon, lat = point
    return (
        lon * KM_PER_DEGREE * math.cos(math.radians(lat)),
        lat * KM_PER_DEGREE,
    )


def _distance(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]):
    """Distance from ``p`` to the segment ``a``–``b``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx**2 + dy**2)))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def douglas_peucker(points: Sequence[Point], tolerance_km: float) -> list[Point]:
    """The points to keep of an open line; both ends are always kept."""
    if len(points) < 3:
        return list(points)
    xy = [_xy(p) for p in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:  # iterative: a coastline has thousands of points
        first, last = stack.pop()
        best, index = 0.0, 0
        for i in range(first + 1, last):
            d = _distance(xy[i], xy[first], xy[last])
            if d > best:
                best, index = d, i
        if best > tolerance_km:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring_area_km2(ring: Sequence[Point]) -> float:
    """Signed area of a closed ring: positive counter-clockwise."""
    xy = [_xy(p) for p in ring]
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(xy)) / 2


def _contains(ring: Sequence[Point], point: Point) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in pairwise(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _rounded(points: Iterable[Point]) -> Ring:
    out: Ring = []
    for lon, lat in points:
        point = (round(lon, DECIMALS), round(lat, DECIMALS))
        if not out or out[-1] != point:
            out.append(point)
    return out


# Chains: the shared pieces of the counties' rings ------------------------------


class Chains:
    """Every county ring cut into chains with one set of owners each."""

    def __init__(self, counties: dict[str, list[list[Ring]]]) -> None:
        self.owners: dict[Point, set[str]] = defaultdict(set)
        for code, polygons in counties.items():
            for polygon in polygons:
                for ring in polygon:
                    for point in ring:
                        self.owners[point].add(code)
        self._simplified: dict[tuple[Point, ...], list[Point]] = {}
        # county -> its polygons -> rings -> chains (points in ring order)
        self.rings = {
            code: [[self._split(ring) for ring in polygon] for polygon in polygons]
            for code, polygons in counties.items()
        }

    def _split(self, ring: Ring) -> list[list[Point]]:
        """The ring (open: last point not repeated) as chains between the
        points where its owners change; one closed chain if they never do."""
        n = len(ring)
        owners = [self.owners[p] for p in ring]
        cuts = [
            i
            for i in range(n)
            if owners[i] != owners[i - 1] or owners[i] != owners[(i + 1) % n]
        ]
        if not cuts:
            return [[*ring, ring[0]]]
        chains = []
        for a, b in zip(cuts, [*cuts[1:], cuts[0] + n], strict=True):
            chains.append([ring[i % n] for i in range(a, b + 1)])
        return chains

    def chain_owners(self, chain: Sequence[Point]) -> set[str]:
        return set.intersection(*(self.owners[p] for p in chain))

    def simplified(self, chain: Sequence[Point]) -> list[Point]:
        """The chain simplified the same way from both of its sides."""
        forward = tuple(chain)
        key = min(forward, forward[::-1])
        if key not in self._simplified:
            if key[0] == key[-1]:  # a closed ring: cut at its farthest point
                far = max(range(len(key)), key=lambda i: _sq(key[i], key[0]))
                head = douglas_peucker(key[: far + 1], TOLERANCE_KM)
                tail = douglas_peucker(key[far:], TOLERANCE_KM)
                self._simplified[key] = head + tail[1:]
            else:
                self._simplified[key] = douglas_peucker(key, TOLERANCE_KM)
        result = self._simplified[key]
        return result if key == forward else result[::-1]


def _sq(a: Point, b: Point) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def _joined(chains: Iterable[Sequence[Point]]) -> Ring:
    """Chains that follow each other as one closed, rounded ring."""
    points: list[Point] = []
    for chain in chains:
        points.extend(chain if not points else chain[1:])
    ring = _rounded(points)
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def _polygons(rings: Iterable[Ring], keep_largest: bool) -> list[list[Ring]]:
    """Closed rings as polygons (outer ring counter-clockwise, holes inside),
    small ones left out."""
    valid = [r for r in rings if len(r) >= 4 and ring_area_km2(r) != 0]
    outers = [r for r in valid if ring_area_km2(r) > 0]
    holes = [r for r in valid if ring_area_km2(r) < 0]
    outers.sort(key=ring_area_km2, reverse=True)
    polygons = [
        [outer]
        for i, outer in enumerate(outers)
        if ring_area_km2(outer) >= MIN_AREA_KM2 or (keep_largest and i == 0)
    ]
    for hole in holes:
        if -ring_area_km2(hole) < MIN_AREA_KM2:
            continue
        for polygon in polygons:
            if _contains(polygon[0], hole[0]):
                polygon.append(hole)
                break
    return polygons


def simplified_counties(chains: Chains) -> dict[str, list[list[Ring]]]:
    return {
        code: _polygons(
            (
                _joined(chains.simplified(c) for c in ring)
                for polygon in polygons
                for ring in polygon
            ),
            keep_largest=True,
        )
        for code, polygons in chains.rings.items()
    }


def region_union(chains: Chains, members: Sequence[str]) -> list[list[Ring]]:
    """The union of the member counties: their chains with one member owner,
    joined end to end into rings."""
    region = set(members)
    pieces: dict[Point, list[list[Point]]] = defaultdict(list)
    for code in members:
        for polygon in chains.rings[code]:
            for ring in polygon:
                for chain in ring:
                    if len(chains.chain_owners(chain) & region) == 1:
                        pieces[chain[0]].append(chains.simplified(chain))
    rings = []
    while pieces:
        rings.append(_joined(_walk(pieces, next(iter(pieces)))))
    return _polygons(rings, keep_largest=True)


def _walk(pieces: dict[Point, list[list[Point]]], start: Point) -> list[list[Point]]:
    """Take chains from ``pieces``, each starting where the last ended, until
    one ends at ``start``."""
    parts: list[list[Point]] = []
    point = start
    while not parts or point != start:
        if point not in pieces:
            raise ValueError(f"a region's border does not close at {point}")
        part = pieces[point].pop()
        if not pieces[point]:
            del pieces[point]
        parts.append(part)
        point = part[-1]
    return parts


# Files -----------------------------------------------------------------------


def _features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def _polygons_of(geometry: dict) -> list[list[Ring]]:
    coordinates = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        coordinates = [coordinates]
    # Rings open (the closing point dropped) and as tuples, to compare points.
    return [
        [[(p[0], p[1]) for p in ring[:-1]] for ring in polygon]
        for polygon in coordinates
    ]


def _collection(features: Iterable[tuple[str, str, list[list[Ring]]]]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": code,
                "properties": {"name": name},
                "geometry": {
                    "type": "MultiPolygon",
                    # Reversed: d3-geo, which draws plotly.js maps, reads a
                    # clockwise ring as the area inside it and a
                    # counter-clockwise one as the rest of the globe (the
                    # opposite of RFC 7946's right-hand rule).
                    "coordinates": [
                        [[list(p) for p in reversed(ring)] for ring in polygon]
                        for polygon in polygons
                    ],
                },
            }
            for code, name, polygons in features
        ],
    }


def code_list(counties: list[dict], municipalities: list[dict]) -> list[dict]:
    """Health regions, counties (by number), municipalities (by number)."""
    parent = {c: code for code, _n, _e, members in HEALTH_REGIONS for c in members}
    entries = [
        _entry(code, name, name_en, name, "health_region", None)
        for code, name, name_en, _members in HEALTH_REGIONS
    ]
    for props in sorted((f["properties"] for f in counties), key=lambda p: p["id"]):
        entries.append(
            _entry(
                props["id"],
                props["name"],
                props["name"],  # no established English names
                props["fylkesnavn"],  # with the Sami and Kven names
                "county",
                parent[props["id"]],
            )
        )
    county_codes = {p["id"] for p in (f["properties"] for f in counties)}
    for props in sorted(
        (f["properties"] for f in municipalities), key=lambda p: p["id"]
    ):
        code = props["id"]
        if code[:2] not in county_codes:
            raise ValueError(f"municipality {code} is in no county")
        name = props["name"]
        entries.append(
            _entry(
                code,
                name,
                name,
                props.get("kommunenavn") or name,
                "municipality",
                code[:2],
            )
        )
    return entries


def _entry(code, name, name_en, full_name, level, parent) -> dict:
    return {
        "code": code,
        "name": name,
        "name_en": name_en,
        "full_name": full_name,
        "level": level,
        "parent": parent,
    }


SOURCE_TEXT = """\
# Map boundaries: counties and health regions, 2024 division

© Kartverket, CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). The
maps show the credit "© Kartverket".

- Data: Kartverket's "Administrative enheter" (kartkatalog.geonorge.no),
  converted to GeoJSON, clipped to the coastline and simplified ("S" quality)
  in {upstream},
  files `Fylker-S.geojson` and `Kommuner-S.geojson`.
- `fylker-2024.json`: the 15 counties; feature `id` = county number.
- `helseregioner-2024.json`: the four regional health authorities
  (`HSØ`, `HV`, `HMN`, `HN`), each the union of its counties.
- Made by `make geo` (`indicators/geo_build.py`): shared borders kept shared,
  each simplified once with Douglas–Peucker at {tolerance} km, polygons under
  {area} km² left out (a county's largest always kept), coordinates rounded to
  {decimals} decimals. Do not edit by hand; run `make geo` again.
"""


def build(source: Path, out_root: Path) -> list[Path]:
    """Write every output file under ``out_root``; return their paths."""
    counties = _features(source / COUNTIES_FILE)
    municipalities = _features(source / MUNICIPALITIES_FILE)
    names = {f["properties"]["id"]: f["properties"]["name"] for f in counties}
    chains = Chains(
        {f["properties"]["id"]: _polygons_of(f["geometry"]) for f in counties}
    )
    simple = simplified_counties(chains)
    outputs = {
        COUNTIES_OUT: _dump(
            _collection((code, names[code], simple[code]) for code in sorted(simple))
        ),
        REGIONS_OUT: _dump(
            _collection(
                (code, name, region_union(chains, members))
                for code, name, _en, members in HEALTH_REGIONS
            )
        ),
        SOURCE_OUT: SOURCE_TEXT.format(
            upstream=UPSTREAM,
            tolerance=TOLERANCE_KM,
            area=MIN_AREA_KM2,
            decimals=DECIMALS,
        ),
        # One entry a line: readable, and a changed name is a one-line diff.
        CODE_LIST_OUT: "[\n"
        + ",\n".join(
            json.dumps(entry, ensure_ascii=False)
            for entry in code_list(counties, municipalities)
        )
        + "\n]\n",
    }
    written = []
    for name, text in outputs.items():
        path = out_root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: Sequence[str]) -> None:
    source = Path(argv[0] if argv else "../shared/geo")
    out_root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1]
    for path in build(source, out_root):
        print(f"{path}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
