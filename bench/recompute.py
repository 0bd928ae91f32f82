"""Benchmark: a full progress recompute against PostgreSQL.

2,000 indicators x 120 approved monthly values. Prints the time of the full
recompute, the time of one plain SELECT of the same value rows, their ratio,
and the number of queries (also at a tenth of the size, to show that it does
not grow with the number of indicators).

Uses its own scratch database, created if missing and refilled on every run:

    .venv/bin/python bench/recompute.py [--indicators 2000] [--months 120]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_p4 (default)
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

import psycopg

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_p4"
ROUNDS = 5


def database_create(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def django_setup(url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DATABASE_URL"] = url
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks in-process; none are sent
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(PROJECT_DIR))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def data_fill(n_indicators: int, n_months: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from indicators.models import Indicator, IndicatorValue
    from strategy.models import Goal, Strategy

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE indicators_progresssnapshot, strategy_goalprogress, "
            "indicators_indicatorvalue, indicators_historicalindicatorvalue, "
            "indicators_indicator, indicators_historicalindicator CASCADE"
        )
    strategy, _ = Strategy.objects.get_or_create(
        start_year=2023,
        end_year=2030,
        defaults={"title_nb": "Bench", "document_version": "bench"},
    )
    goals = [
        Goal.objects.get_or_create(
            code=f"M{i}",
            defaults={
                "strategy": strategy,
                "title_nb": f"M{i}",
                "kind": "direct_benefit",
                "order": i,
                "strategy_version": "bench",
            },
        )[0]
        for i in range(1, 6)
    ]
    rng = random.Random(4)  # noqa: S311 - benchmark data
    indicators = Indicator.objects.bulk_create(
        _indicator(i, goals[i % len(goals)], rng) for i in range(n_indicators)
    )
    now = timezone.now()
    values = (
        IndicatorValue(
            indicator=indicator,
            period_start=dt.date(2016 + m // 12, m % 12 + 1, 1),
            granularity="monthly",
            value=Decimal(f"{50 * (1 + 0.004 * m) * rng.uniform(0.97, 1.03):.3f}"),
            status="approved",
            source="import",
            entered_at=now,
            approved_at=now,
        )
        for indicator in indicators
        for m in range(n_months)
    )
    IndicatorValue.objects.bulk_create(values, batch_size=10_000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE indicators_indicatorvalue")


def _indicator(i: int, goal, rng: random.Random):
    from indicators.models import Indicator

    has_target, has_limit = i % 2 == 0, i % 3 == 0
    return Indicator(
        code=f"BENCH-{i:05d}",
        goal=goal,
        name_nb=f"Benchmark {i}",
        unit="percent",
        direction="increase" if i % 4 else "decrease",
        baseline_value=Decimal(50) if i % 5 == 0 else None,
        baseline_year=2016 if i % 5 == 0 else None,
        target_value=Decimal(rng.randint(60, 95)) if has_target else None,
        limit=Decimal(100) if has_limit else None,
        frequency="monthly",
    )


def plain_select_seconds(ids: list[int]) -> tuple[float, int]:
    """One SELECT of the rows the recompute reads, fetched and nothing else."""
    from django.db import connection
    from django.utils import timezone

    from core.asof import as_of_cutoff
    from indicators.models import IndicatorValue
    from indicators.snapshots import official_at

    query = (
        IndicatorValue.objects.filter(official_at(as_of_cutoff(timezone.localdate())))
        .filter(indicator_id__in=ids)
        .order_by("indicator_id", "period_start", "approved_at")
        .values_list("indicator_id", "period_start", "value")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        return time.perf_counter() - started, len(rows)


def recompute(ids: list[int], as_of=None) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from strategy.services import progress_recompute

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        counts = progress_recompute(indicator_ids=ids, as_of=as_of)
        seconds = time.perf_counter() - started
    return seconds, len(queries), counts


def snapshots_clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE indicators_progresssnapshot, strategy_goalprogress")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=2000)
    parser.add_argument("--months", type=int, default=120)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    database_create(url)
    django_setup(url)

    started = time.perf_counter()
    data_fill(args.indicators, args.months)
    print(
        f"data: {args.indicators} indicators x {args.months} monthly values "
        f"({time.perf_counter() - started:.1f} s to load)"
    )
    from indicators.models import Indicator

    ids = list(Indicator.objects.order_by("pk").values_list("pk", flat=True))
    plain_select_seconds(ids)  # warm the cache for both timings alike

    small = ids[: max(1, len(ids) // 10)]
    _, small_queries, _ = recompute(small)

    # The machine may be shared: alternate the two measurements and compare
    # the best of each (as timeit does): other load only ever adds time.
    selects, fulls = [], []
    for _ in range(ROUNDS):
        snapshots_clear()
        seconds, rows = plain_select_seconds(ids)
        selects.append(seconds)
        seconds, full_queries, counts = recompute(ids)
        fulls.append(seconds)
    again_seconds, again_queries, again = recompute(ids)
    # The nightly run of the next day, nothing changed since.
    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    next_seconds, next_queries, next_day = recompute(ids, as_of=tomorrow)
    select_seconds, full_seconds = min(selects), min(fulls)

    print(f"plain SELECT of the same rows: {select_seconds:.3f} s ({rows} rows)")
    print(
        f"full recompute:                {full_seconds:.3f} s "
        f"({counts.snapshots_created} snapshots, {counts.goals_created} goal rows)"
    )
    print(f"ratio recompute / SELECT:      {full_seconds / select_seconds:.2f}")
    print(f"  (best of {ROUNDS} rounds; SELECT {_list(selects)}, full {_list(fulls)})")
    print(
        f"queries: {full_queries} for {len(ids)} indicators, "
        f"{small_queries} for {len(small)} (snapshots written by one COPY)"
    )
    print(
        f"second run, nothing changed:   {again_seconds:.3f} s, "
        f"{again.snapshots_created} snapshots written, {again_queries} queries"
    )
    print(
        f"next day's run, no change:     {next_seconds:.3f} s, "
        f"{next_day.snapshots_created} snapshots written, {next_queries} queries"
    )


def _list(seconds: list[float]) -> str:
    return " ".join(f"{s:.3f}" for s in seconds)


if __name__ == "__main__":
    main()
