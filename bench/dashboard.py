"""Benchmark: server time and weight of the dashboard pages against PostgreSQL.

Production-sized data: the real strategy and roadmap, 60 indicators with ten
years of monthly approved values, progress computed. Each page is requested
repeatedly through Django's full stack (middleware, session, templates) with
the test client; the figures are the server time (median and 95th percentile)
next to a trivial view measured in the same run (and, for scale, next to an
empty signed-in page: the site's frame, session, user and roles, which every
page pays before its content), and the page weight (HTML with
its embedded figure JSON; plotly.js itself is a separate cached file). Rows
starting with "+" are the fragments a page loads with htmx once it is shown
(the roadmap's timeline and delivery tables): not part of the page's own time,
but what the browser fetches next.

    .venv/bin/python bench/dashboard.py [--rounds 40]
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


def data_fill() -> str:
    """The real strategy and roadmap, 60 indicators x 120 months; returns a code."""
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
    approved_at = timezone.now() - dt.timedelta(days=1)
    values = []
    for n in range(60):
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
        for month in range(120):
            year, month0 = 2016 + month // 12, month % 12
            values.append(
                IndicatorValue(
                    indicator=indicator,
                    period_start=dt.date(year, month0 + 1, 1),
                    granularity="monthly",
                    value=Decimal(str(round(40 + (n % 7) * month / 60, 2))),
                    status="approved",
                    source="import",
                    entered_at=approved_at,
                    approved_at=approved_at,
                )
            )
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    progress_recompute(indicator_ids=Indicator.objects.values_list("pk", flat=True))
    # Planner statistics, as a production database has them (autovacuum would
    # gather them a minute later): without them PostgreSQL guesses one row per
    # table and plans nested loops over every delivery.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return "BENCH-01"


HTMX = {"HTTP_HX_REQUEST": "true"}  # what htmx sends for a lazy fragment


def measure(client, url: str, rounds: int, headers: dict) -> tuple[list[float], int]:
    client.get(url, **headers)  # warm caches and connections
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url, **headers)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)
    return times, size


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

    code = data_fill()
    global urlpatterns
    urlpatterns = urlconf()
    settings.ROOT_URLCONF = __name__
    user = User.objects.create(username="bench-council")
    user.groups.add(Group.objects.get(name="Rådsmedlem"))
    client = Client()
    client.force_login(user)

    today = dt.date.today().isoformat()
    # "+" rows: the fragments a page loads with htmx after it has been shown.
    pages = [
        ("trivial view", "/bench-trivial/", {}),
        ("empty signed-in page", "/bench-empty/", {}),
        ("overview", "/", {}),
        ("goal M1", "/goals/M1/", {}),
        ("+ its deliveries", "/roadmap/deliveries/?goal=M1", HTMX),
        (f"indicator {code}", f"/indicators/{code}/", {}),
        ("roadmap", "/roadmap/", {}),
        ("+ its deliveries", "/roadmap/deliveries/", HTMX),
        ("roadmap as of today", f"/roadmap/?as_of={today}", {}),
        ("+ its deliveries", f"/roadmap/deliveries/?as_of={today}", HTMX),
    ]
    if args.profile:
        profile(client, args.profile, args.rounds, HTMX if args.htmx else {})
        return
    print("data: real strategy, 263 roadmap deliveries, 60 indicators x 120 months")
    print(
        f"{'page':<24}{'median ms':>10}{'p95 ms':>9}{'x trivial':>11}"
        f"{'x empty':>9}{'kB':>8}"
    )
    medians = []
    for name, url, headers in pages:
        times, size = measure(client, url, args.rounds, headers)
        medians.append(statistics.median(times))
        trivial_ms, empty_ms = medians[0], medians[min(1, len(medians) - 1)]
        print(
            f"{name:<24}{medians[-1] * 1000:>10.1f}{p95(times) * 1000:>9.1f}"
            f"{medians[-1] / trivial_ms:>11.1f}{medians[-1] / empty_ms:>9.1f}"
            f"{size / 1024:>8.1f}"
        )


if __name__ == "__main__":
    main()
