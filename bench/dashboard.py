"""Benchmark: server time and weight of the dashboard pages against PostgreSQL.

Production-sized data: the real strategy and roadmap, 60 indicators with ten
years of monthly approved values (each approved some weeks after its month, so
that the past has a history to show as of a date), progress computed, a council
meeting with an agenda; and two more indicators broken down by region, into 4
and into 19 series, whose pages must take the same number of queries. Each page
is also shown as of a past date (``?as_of=``): those rows must be no slower
than today's, and every page's query count (the "queries" column) must not grow
with the data (compare a run with ``--indicators 120``). Each page is requested
repeatedly, the pages in turn each round (so that a change in the machine's
load weighs on all alike), through Django's full stack (middleware, session,
templates) with the test client; the figures are the server time (median and
95th percentile) next to a trivial view measured in the same run (and, for
scale, next to an empty signed-in page: the site's frame, session, user and
roles, which every page pays before its content), and the page weight (HTML
with its embedded figure JSON; plotly.js itself is a separate cached file).
Rows starting with "+" are the fragments a page loads with htmx once it is
shown (the roadmap's timeline and delivery tables): not part of the page's own
time, but what the browser fetches next.

    .venv/bin/python bench/dashboard.py [--rounds 40] [--indicators 60]
    .venv/bin/python bench/dashboard.py --profile /roadmap/deliveries/ --htmx
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dashboard (default)
"""

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR / "bench"))
sys.path.insert(0, str(PROJECT_DIR))

from recompute import database_create  # noqa: E402 - after the path is set

urlpatterns: list = []  # filled in main(), once Django is set up

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_dashboard"
PAST = "2021-06-30"
ROADMAP = PROJECT_DIR / "initiatives" / "data" / "roadmap-deliveries-2026-08.csv"


def trivial(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def empty_page(request):
    """A signed-in page with the site's frame and nothing in it: what every
    page pays before its own content (session, user, roles, base template)."""
    from django.shortcuts import render

    from core.roles import DASHBOARD_READERS, role_required

    @role_required(*DASHBOARD_READERS)
    def view(request):
        return render(request, "base.html", {})

    return view(request)


def urlconf():
    """The project's URLs plus the two views to compare with."""
    from django.urls import include, path

    return [
        path("bench-trivial/", trivial),
        path("bench-empty/", empty_page),
        path("", include("config.urls")),
    ]


def django_setup(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    database_create(url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DATABASE_URL"] = url
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)


def approved_when(year: int, month0: int, now: dt.datetime) -> dt.datetime:
    """A month's value is approved six weeks after the month starts (a day
    ago at the latest)."""
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime(year, month0 + 1, 1, 10))
    return min(start + dt.timedelta(days=42), now - dt.timedelta(days=1))


def data_fill(n_indicators: int) -> str:
    """The real strategy and roadmap, indicators x 120 months, a meeting;
    returns an indicator's code."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from indicators.models import Indicator, IndicatorValue
    from strategy.models import Goal
    from strategy.services import progress_recompute

    call_command("load_strategy", verbosity=0, stdout=io.StringIO())
    call_command(
        "import_roadmap",
        str(ROADMAP),
        "--version",
        "2026-08",
        stdout=io.StringIO(),
    )
    goals = list(Goal.objects.order_by("order"))
    now = timezone.now()
    values = []
    for n in range(n_indicators):
        indicator = Indicator.objects.create(
            code=f"BENCH-{n:02d}",
            goal=goals[n % len(goals)],
            name_nb=f"Benkmerke {n}",
            unit="percent",
            unit_label="%",
            direction="increase" if n % 3 else "decrease",
            baseline_value=Decimal("40"),
            baseline_year=2016,
            target_value=Decimal("80") if n % 3 else Decimal("10"),
            frequency="monthly",
            is_demo=True,
        )
        values += monthly_values(indicator, slope=n % 7, now=now)
    values += _regional_values(goals[0], now)
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    progress_recompute(indicator_ids=Indicator.objects.values_list("pk", flat=True))
    _meeting_fill()
    # Planner statistics, as a production database has them (autovacuum would
    # gather them a minute later): without them PostgreSQL guesses one row per
    # table and plans nested loops over every delivery.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return "BENCH-01"


# Broken-down indicators: one by the 4 health regions, one by them and the 15
# counties (19 series), each with a national series, 120 months each: their
# pages must take the same number of queries.
REGIONAL = {"BENCH-REG-4": 4, "BENCH-REG-19": 19}


def _regional_values(goal, now: dt.datetime) -> list:
    from indicators.models import (
        BreakdownCategory,
        BreakdownDimension,
        Indicator,
    )

    region = BreakdownDimension.objects.get(code="region")
    codes = list(
        BreakdownCategory.objects.filter(
            dimension=region, level__in=["health_region", "county"]
        )
        .order_by("order")
        .values_list("code", flat=True)
    )
    values = []
    for code, count in REGIONAL.items():
        indicator = Indicator.objects.create(
            code=code,
            goal=goal,
            name_nb=f"Benkmerke fordelt på {count} regioner",
            unit="percent",
            unit_label="%",
            direction="increase",
            baseline_value=Decimal("40"),
            baseline_year=2016,
            target_value=Decimal("80"),
            frequency="monthly",
            is_demo=True,
        )
        indicator.breakdowns.add(region)
        for n, series in enumerate(["", *(f"region:{c}" for c in codes[:count])]):
            values += monthly_values(indicator, slope=n % 5, now=now, breakdown=series)
    return values


def monthly_values(indicator, *, slope: int, now: dt.datetime, breakdown: str = ""):
    """120 approved monthly values from 2016, rising by ``slope`` per 60 months."""
    from indicators.models import IndicatorValue

    values = []
    for month in range(120):
        year, month0 = 2016 + month // 12, month % 12
        values.append(
            IndicatorValue(
                indicator=indicator,
                period_start=dt.date(year, month0 + 1, 1),
                breakdown=breakdown,
                granularity="monthly",
                value=Decimal(str(round(40 + slope * month / 60, 2))),
                status="approved",
                source="import",
                entered_at=approved_when(year, month0, now),
                approved_at=approved_when(year, month0, now),
            )
        )
    return values


def _meeting_fill() -> None:
    """A meeting of the national council with a case on every indicator."""
    from councils.models import Council
    from councils.services import agenda_item_add, meeting_create
    from indicators.models import Indicator

    council = Council.objects.order_by("pk").first()
    meeting = meeting_create(
        council=council, date=dt.date(2021, 6, 10), title="Benkmerkemøte"
    )
    agenda_item_add(
        meeting=meeting,
        title="Status",
        kind="drøfting",
        indicators=list(Indicator.objects.all()),
    )


HTMX = {"HTTP_HX_REQUEST": "true"}  # what htmx sends for a lazy fragment


def queries_of(client, url: str, headers: dict) -> int:
    """The statements one request of ``url`` sends (after a warming one)."""
    from django.db import connection

    client.get(url, **headers)  # warm caches and connections
    queries = []

    def count(execute, sql, params, many, context):
        # Not CaptureQueriesContext: with DEBUG on, the request's own
        # reset_queries() empties the log it slices.
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url, **headers)
    return len(queries)


def measure_all(client, pages: list, rounds: int) -> list[tuple[list[float], int]]:
    """Each page's request times and size, the pages taken in turn each round.

    Round-robin, not page after page: a change in the machine's load (other
    jobs, the autovacuum) then weighs on every page alike, so that a page as
    of a date and the same page today are compared under the same load.
    """
    times: list[list[float]] = [[] for _ in pages]
    sizes = [0] * len(pages)
    for _ in range(rounds):
        for index, (_name, url, headers) in enumerate(pages):
            start = time.perf_counter()
            response = client.get(url, **headers)
            times[index].append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
            sizes[index] = len(response.content)
    return list(zip(times, sizes, strict=True))


def profile(client, url: str, rounds: int, headers: dict) -> None:
    """The page's queries once, then cProfile over ``rounds`` requests."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, **headers)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    for query in queries.captured_queries:
        print(f"{query['time']:>7} {query['sql'][:150]}")
    print(f"{len(queries)} queries\n")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        client.get(url, **headers)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--indicators", type=int, default=60)
    parser.add_argument(
        "--profile",
        metavar="URL",
        help="instead of timing, profile one URL (e.g. /roadmap/): its queries "
        "and where the time goes",
    )
    parser.add_argument(
        "--htmx", action="store_true", help="profile the URL as an htmx request"
    )
    args = parser.parse_args()
    django_setup(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))

    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.test import Client

    from core.models import User

    code = data_fill(args.indicators)
    global urlpatterns
    urlpatterns = urlconf()
    settings.ROOT_URLCONF = __name__
    user = User.objects.create(username="bench-council")
    user.groups.add(Group.objects.get(name="Rådsmedlem"))
    client = Client()
    client.force_login(user)

    from councils.models import Council, Meeting

    today = dt.date.today().isoformat()
    past = PAST  # mid-history: values, snapshots and a meeting exist before it
    council = Council.objects.order_by("pk").first()
    meeting = Meeting.objects.get()
    # "+" rows: the fragments a page loads with htmx after it has been shown.
    pages = [
        ("trivial view", "/bench-trivial/", {}),
        ("empty signed-in page", "/bench-empty/", {}),
        ("overview", "/", {}),
        (f"  as of {past}", f"/?as_of={past}", {}),
        ("goal M1", "/goals/M1/", {}),
        (f"  as of {past}", f"/goals/M1/?as_of={past}", {}),
        ("+ its deliveries", "/roadmap/deliveries/?goal=M1", HTMX),
        (f"indicator {code}", f"/indicators/{code}/", {}),
        (f"  as of {past}", f"/indicators/{code}/?as_of={past}", {}),
        ("by 4 regions", "/indicators/BENCH-REG-4/?level=health_region", {}),
        ("by 19 regions", "/indicators/BENCH-REG-19/?level=health_region", {}),
        ("  by county", "/indicators/BENCH-REG-19/", {}),
        (f"  as of {past}", f"/indicators/BENCH-REG-19/?as_of={past}", {}),
        ("indicator list", "/indicators/", {}),
        (f"  as of {past}", f"/indicators/?as_of={past}", {}),
        ("initiatives", "/initiatives/", {}),
        (f"  as of {past}", f"/initiatives/?as_of={past}", {}),
        ("council", f"/councils/{council.slug}/", {}),
        (f"  as of {past}", f"/councils/{council.slug}/?as_of={past}", {}),
        ("meeting", f"/meetings/{meeting.pk}/", {}),
        (f"  as of {past}", f"/meetings/{meeting.pk}/?as_of={past}", {}),
        ("roadmap", "/roadmap/", {}),
        ("+ its deliveries", "/roadmap/deliveries/", HTMX),
        ("roadmap as of today", f"/roadmap/?as_of={today}", {}),
        ("+ its deliveries", f"/roadmap/deliveries/?as_of={today}", HTMX),
    ]
    if args.profile:
        profile(client, args.profile, args.rounds, HTMX if args.htmx else {})
        return
    print(
        f"data: real strategy, 263 roadmap deliveries, {args.indicators} "
        "indicators x 120 months, one meeting"
    )
    print(
        f"{'page':<24}{'median ms':>10}{'p95 ms':>9}{'x trivial':>11}"
        f"{'x empty':>9}{'kB':>8}{'queries':>9}"
    )
    queries_per_page = [queries_of(client, url, headers) for _, url, headers in pages]
    measured = measure_all(client, pages, args.rounds)
    medians = []
    for (name, _url, _headers), (times, size), queries in zip(
        pages, measured, queries_per_page, strict=True
    ):
        medians.append(statistics.median(times))
        trivial_ms, empty_ms = medians[0], medians[min(1, len(medians) - 1)]
        print(
            f"{name:<24}{medians[-1] * 1000:>10.1f}{p95(times) * 1000:>9.1f}"
            f"{medians[-1] / trivial_ms:>11.1f}{medians[-1] / empty_ms:>9.1f}"
            f"{size / 1024:>8.1f}{queries:>9}"
        )


if __name__ == "__main__":
    main()
