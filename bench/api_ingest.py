"""Values per second through ``POST values/bulk/`` against PostgreSQL.

Pushes 100,000 values (400 monthly indicators × 250 periods) in batches of
5,000 through the API (Django's test Client: the whole request path from
JSON body to response, without a socket), then a plain psycopg ``COPY`` of
the same rows into a scratch table in the same run, and prints the ratio,
and the ratio to the database floor (``import_values.database_floor``).
Then lists 10,000 values of one indicator through
``GET indicators/{code}/values/`` (10 pages of 1,000, then one page of
10,000) next to one raw SQL read of the same rows and columns. Uses its own
scratch database, dropped and created afresh:

    .venv/bin/python bench/api_ingest.py

``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/bench_p5``)
names the scratch database; its name must start with ``bench``.

Then (``--part breakdowns`` for this alone) the cost of breakdowns through
``values/bulk/``: 90,000 county values (50 indicators declared
``breakdowns=[region]`` × 15 counties × 120 months, items with ``"breakdown":
{"region": "03"}``) against 90,000 national values (750 indicators × the same
120 months), in the same batches of 5,000, each pushed into emptied value
tables, alternately, best of ``import_values.ROUNDS``: rate per value of the
first push and of the re-push, and the ratio county / national. The baseline
has the same number of values, of series and of values per series, so the
only difference is how a series is named (why it is the fair one:
``import_values``' docstring). It also counts the queries of a values page of
an indicator with 15 series (all, and one county's) and of a national one.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.import_values import (  # noqa: E402
    COUNTIES,
    COUNTY_INDICATORS,
    INDICATORS,
    NATIONAL_INDICATORS,
    PERIODS,
    ROUNDS,
    SERIES_MONTHS,
    database_floor,
    scratch_database,
    series_fixtures,
    values_truncate,
)
from bench.import_values import fixtures as import_fixtures  # noqa: E402
from bench.import_values import series_print as import_series_print  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_p5"
BATCH = 5_000
LIST_ROWS = 10_000
PAGE = 1_000


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DEBUG"] = "0"  # no query log in memory
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    os.environ.setdefault("API_THROTTLE_USER", "100000/minute")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def fixtures() -> str:
    """import_values' goal and indicators, one more to list, and a key for M1."""
    from core.models import User
    from core.roles import Role
    from core.services import api_key_create
    from indicators.models import Indicator

    import_fixtures()
    extra = Indicator.objects.get(code="B0")
    extra.pk, extra.code = None, f"B{INDICATORS}"
    extra.save()
    _key, raw = api_key_create(
        name="bench",
        role=Role.INTEGRATION,
        owner=User.objects.create(username="bench-owner"),
        scopes=["M1"],
        known_scopes={"M1"},
    )
    return raw


def items() -> list[dict]:
    return [
        {
            "indicator": f"B{i}",
            "period": f"{2005 + m // 12}-{m % 12 + 1:02d}",
            "value": f"{m},5",
        }
        for i in range(INDICATORS)
        for m in range(PERIODS)
    ]


def series_items(kind: str) -> list[dict]:
    """The national (750 × 120) or the county (50 × 15 × 120) bulk items."""
    months = [f"{2010 + m // 12}-{m % 12 + 1:02d}" for m in range(SERIES_MONTHS)]
    if kind == "national":
        return [
            {"indicator": f"N{i}", "period": month, "value": f"{m},5"}
            for i in range(NATIONAL_INDICATORS)
            for m, month in enumerate(months)
        ]
    return [
        {
            "indicator": f"F{i}",
            "period": month,
            "value": f"{m},5",
            "breakdown": {"region": county},
        }
        for i in range(COUNTY_INDICATORS)
        for county in COUNTIES
        for m, month in enumerate(months)
    ]


def page_queries(api, url: str, params: dict) -> int:
    """Queries of one values page (the response checked)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, params)
    assert response.status_code == 200, response.content[:500]
    assert response.json()["results"], (url, params)
    return len(queries)


def series_pages(api) -> dict[str, int]:
    """Query counts of values pages: 15 series, one county of them, national."""
    pages = {
        "F0, all 15 series": ("/api/v1/indicators/F0/values/", {}),
        "F0, ?breakdown=region:03": (
            "/api/v1/indicators/F0/values/",
            {"breakdown": "region:03"},
        ),
        "N0, national": ("/api/v1/indicators/N0/values/", {}),
        "N0, ?breakdown=national": (
            "/api/v1/indicators/N0/values/",
            {"breakdown": "national"},
        ),
    }
    return {label: page_queries(api, *page) for label, page in pages.items()}


def series_comparison(url: str, api) -> tuple[dict, dict]:
    """Best seconds per case and push; the pages' query counts.

    Only the JSON bodies are kept, not the item dicts: 270,000 of those, alive
    in this process, made every cycle collection of the request path scan
    them (0.4 s of a 1.2 s county re-push, none of which a server pays).
    """
    n = COUNTY_INDICATORS * len(COUNTIES) * SERIES_MONTHS
    bodies = {kind: batches(series_items(kind)) for kind in ("national", "county")}
    best: dict[str, dict[str, float]] = {kind: {} for kind in bodies}
    for _round in range(ROUNDS):
        values_truncate(url)
        for kind, batch_bodies in bodies.items():
            first_s, first = api_push(api, batch_bodies)
            assert first["created"] == n, first
            again_s, again = api_push(api, batch_bodies)
            assert again["unchanged"] == n, again
            for push, seconds in (("first push", first_s), ("re-push", again_s)):
                best[kind][push] = min(best[kind].get(push, seconds), seconds)
    # Both cases' values are in the tables now (the last round kept them).
    return best, series_pages(api)


def series_print(best: dict, queries: dict[str, int]) -> None:
    import_series_print(best, via=" via values/bulk/")
    for label, count in queries.items():
        print(f"queries, values page of {label:26}: {count}")


def client(raw_key: str):
    from django.test import Client

    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {raw_key}")


def batches(rows: list[dict]) -> list[str]:
    """The JSON bodies of the batches of ``BATCH`` items."""
    return [json.dumps(rows[i : i + BATCH]) for i in range(0, len(rows), BATCH)]


def api_push(api, bodies: list[str]) -> tuple[float, dict]:
    """Seconds for every batch through values/bulk/; the summed outcomes.

    The responses are decoded after the clock stops: that is the client's work.
    """
    totals = {"created": 0, "revised": 0, "unchanged": 0}
    contents = []
    start = time.perf_counter()
    for body in bodies:
        response = api.post(
            "/api/v1/values/bulk/", body, content_type="application/json"
        )
        assert response.status_code == 200, response.content[:500]
        # Only the body: the response holds the request and its parsed items.
        contents.append(response.content)
    seconds = time.perf_counter() - start
    for content in contents:
        outcome = json.loads(content)
        for name in totals:
            totals[name] += outcome[name]
    return seconds, totals


def copy_rows(url: str, rows: list[dict]) -> float:
    """Seconds for a plain COPY of the same rows into a scratch table."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TABLE bench_copy (indicator text, period text, value text)"
        )
        start = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_copy FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row["indicator"], row["period"], row["value"]))
        conn.commit()
        seconds = time.perf_counter() - start
        (count,) = conn.execute("SELECT count(*) FROM bench_copy").fetchone()
        assert count == len(rows)
    return seconds


def list_fixture() -> str:
    """10,000 revisions of one indicator (40 per period), written directly."""
    from django.utils import timezone

    from indicators.models import Indicator, IndicatorValue

    indicator = Indicator.objects.get(code=f"B{INDICATORS}")
    now = timezone.now()
    revisions = LIST_ROWS // PERIODS
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            period_start=dt.date(2005 + m // 12, m % 12 + 1, 1),
            granularity="monthly",
            value=m + r,
            status="submitted",
            source="api",
            comment="bench",
            entered_at=now + dt.timedelta(microseconds=r),
            superseded_at=None if r == revisions - 1 else now,
        )
        for m in range(PERIODS)
        for r in range(revisions)
    )
    return indicator.code


def api_list(api, code: str, page_size: int) -> tuple[float, int]:
    url = f"/api/v1/indicators/{code}/values/"
    rows = 0
    start = time.perf_counter()
    for page in range(1, LIST_ROWS // page_size + 1):
        params = {"history": "true", "page_size": page_size, "page": page}
        response = api.get(url, params)
        assert response.status_code == 200, response.content[:500]
        rows += len(response.json()["results"])
    return time.perf_counter() - start, rows


def sql_list(url: str, code: str) -> tuple[float, int]:
    import psycopg

    query = """
        SELECT v.period_start, v.granularity, v.value, v.status, v.comment,
               v.source, e.username, v.entered_at, a.username, v.approved_at
        FROM indicators_indicatorvalue v
        JOIN indicators_indicator i ON i.id = v.indicator_id
        LEFT JOIN core_user e ON e.id = v.entered_by_id
        LEFT JOIN core_user a ON a.id = v.approved_by_id
        WHERE i.code = %s
        ORDER BY v.period_start, v.entered_at, v.id
    """
    with psycopg.connect(url) as conn:
        start = time.perf_counter()
        rows = conn.execute(query, [code]).fetchall()
        return time.perf_counter() - start, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--part",
        choices=["all", "bulk", "breakdowns"],
        default="all",
        help="the 100,000-value push and list, the breakdown comparison, or both",
    )
    part = parser.parse_args().part
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    scratch_database(url)
    django_setup(url)
    api = client(fixtures())
    if part in ("all", "bulk"):
        bulk_run(url, api)
    if part in ("all", "breakdowns"):
        series_fixtures()
        series_print(*series_comparison(url, api))


def bulk_run(url: str, api) -> None:
    rows = items()
    bodies = batches(rows)

    push_s, first = api_push(api, bodies)
    assert first["created"] == len(rows), first
    again_s, again = api_push(api, bodies)
    assert again["unchanged"] == len(rows), again
    copy_s = copy_rows(url, rows)
    floor_s = database_floor(url)

    code = list_fixture()
    api_list(api, code, PAGE)  # warm up: connections, caches
    list_s, listed = api_list(api, code, PAGE)
    one_s, listed_once = api_list(api, code, LIST_ROWS)
    sql_s, read = sql_list(url, code)
    assert listed == listed_once == read == LIST_ROWS, (listed, read)

    n = len(rows)
    print(f"values: {n:,} in batches of {BATCH:,}, database {url}")
    for label, seconds in (
        ("API values/bulk/, first push", push_s),
        ("API values/bulk/, re-push (unchanged)", again_s),
        ("psycopg COPY, scratch table", copy_s),
        ("database floor (import_values.py)", floor_s),
    ):
        print(f"{label:40}: {seconds:6.2f} s {n / seconds:12,.0f} values/s")
    print(f"ratio API first push / COPY rate       : 1 : {push_s / copy_s:.1f}")
    print(f"ratio database floor / COPY rate       : 1 : {floor_s / copy_s:.1f}")
    print(f"ratio API first push / database floor  : 1 : {push_s / floor_s:.1f}")
    for label, seconds in (
        (f"API, {LIST_ROWS // PAGE} pages of {PAGE:,}", list_s),
        (f"API, 1 page of {LIST_ROWS:,}", one_s),
        ("raw SQL, one query", sql_s),
    ):
        print(
            f"list {LIST_ROWS:,} values, {label:22}: {seconds * 1000:8.1f} ms"
            f"  ({seconds / sql_s:.1f}× raw SQL)"
        )


if __name__ == "__main__":
    main()
