"""Approving N values in one call, next to ingesting the same N, on PostgreSQL.

For 1,000, 10,000 and 50,000 values (the API's largest batch): push N monthly
values through ``POST values/bulk/`` (Django's test Client: the whole request
path, one request), then approve all of them in one
``indicators.services.values_approve`` call; then push a correction of each
and approve those, which also supersedes the N official values; then once
more with the approval sent as one ``POST values/approve/`` of N items
(the API's path: validation, lookup, scope, the same service). Prints each
step's seconds, rows per second, the ratio approval / ingest and the number
of statements the approval sent (the recompute it queues is left to a
worker, as in production). PostgreSQL keeps its default settings (the
JIT is on, as in production): a large approval used to be one UPDATE with a
CASE branch per value, which the JIT compiled for minutes.

    .venv/bin/python bench/approve.py [--sizes 1000,10000,50000]

``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/bench_approve``)
names the scratch database, dropped and created afresh; its name must start
with ``bench``.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api_ingest import client, django_setup  # noqa: E402
from bench.import_values import scratch_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_approve"
MONTHS = 25  # per indicator: 50,000 values are 2,000 indicators, as in the issue


def fixtures(indicators: int):
    """A goal, monthly indicators, an integration key for it and an approver."""
    from django.contrib.auth.models import Group

    from core.models import User
    from core.roles import Role
    from core.services import api_key_create
    from indicators.models import Indicator
    from strategy.models import Goal, Strategy

    strategy = Strategy.objects.create(
        title_nb="Bench", start_year=2023, end_year=2030, document_version="bench"
    )
    goal = Goal.objects.create(
        strategy=strategy, code="M1", order=1, title_nb="Bench", kind="direct_benefit"
    )
    Indicator.objects.bulk_create(
        Indicator(
            code=f"A{i}",
            goal=goal,
            name_nb=f"Bench {i}",
            unit="count",
            direction="increase",
            frequency="monthly",
        )
        for i in range(indicators)
    )
    _key, raw = api_key_create(
        name="bench",
        role=Role.INTEGRATION,
        owner=User.objects.create(username="bench-owner"),
        scopes=["M1"],
        known_scopes={"M1"},
    )
    _key, approver_raw = api_key_create(
        name="bench-approver",
        role=Role.APPROVER,
        owner=User.objects.create(username="bench-approver-owner"),
        scopes=["M1"],
        known_scopes={"M1"},
    )
    approver = User.objects.create(username="bench-godkjenner")
    approver.groups.add(Group.objects.get(name=Role.APPROVER))
    return client(raw), approver, client(approver_raw)


def items(size: int, value: str, comment: str = "") -> list[dict]:
    return [
        {
            "indicator": f"A{i}",
            "period": f"{2020 + m // 12}-{m % 12 + 1:02d}",
            "value": value,
            "comment": comment,
        }
        for i in range(size // MONTHS)
        for m in range(MONTHS)
    ]


def ingest(api, rows: list[dict]) -> float:
    body = json.dumps(rows)
    start = time.perf_counter()
    response = api.post("/api/v1/values/bulk/", body, content_type="application/json")
    seconds = time.perf_counter() - start
    assert response.status_code == 200, response.content[:500]
    return seconds


def approve(approver) -> tuple[float, int, int]:
    """Seconds, values approved and statements sent, for one call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indicators.services import values_approve

    ids = pending_ids()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        values_approve(value_ids=ids, user=approver)
        seconds = time.perf_counter() - start
    return seconds, len(ids), len(queries)


def approve_api(api, rows: list[dict]) -> tuple[float, int, int]:
    """As ``approve``, through one ``POST values/approve/`` of every item."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    refs = [{"indicator": row["indicator"], "period": row["period"]} for row in rows]
    body = json.dumps({"items": refs})
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = api.post(
            "/api/v1/values/approve/", body, content_type="application/json"
        )
        seconds = time.perf_counter() - start
    assert response.status_code == 200, response.content[:500]
    return seconds, response.json()["approved"], len(queries)


def pending_ids() -> list[int]:
    from indicators.models import IndicatorValue

    return list(
        IndicatorValue.objects.filter(
            status="submitted", superseded_at__isnull=True
        ).values_list("pk", flat=True)
    )


def values_clear() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE indicators_indicatorvalue, indicators_historicalindicatorvalue"
        )
        cursor.execute("VACUUM ANALYZE indicators_indicatorvalue")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    scratch_database(url)
    django_setup(url)
    from django.db import connection

    from config.celery import app

    # The recompute that an approval queues runs in a worker, not in the call:
    # published to the in-memory broker and left there.
    app.conf.task_always_eager = False

    api, approver, approver_api = fixtures(max(sizes) // MONTHS)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        print(f"PostgreSQL {connection.pg_version}, jit = {cursor.fetchone()[0]}")
    print(
        f"{'values':>7} {'step':<12} {'ingest s':>9} {'rows/s':>8} "
        f"{'approve s':>10} {'rows/s':>8} {'ratio':>6} {'statements':>10}"
    )
    for size in sizes:
        values_clear()
        for step, value, comment in (
            ("new", "1", ""),
            ("corrections", "2", "bench correction"),
            ("API", "3", "bench correction"),
        ):
            rows = items(size, value, comment)
            ingest_s = ingest(api, rows)
            if step == "API":
                approve_s, approved, statements = approve_api(approver_api, rows)
            else:
                approve_s, approved, statements = approve(approver)
            assert approved == size, (approved, size)
            print(
                f"{size:>7} {step:<12} {ingest_s:>9.2f} {size / ingest_s:>8.0f} "
                f"{approve_s:>10.2f} {size / approve_s:>8.0f} "
                f"{approve_s / ingest_s:>6.2f} {statements:>10}"
            )
    print(
        "ratio = approval / ingest of the same values; corrections (and API) "
        "also supersede the official values; API: the approval as one "
        "POST values/approve/ (statements: the whole request)"
    )


if __name__ == "__main__":
    main()
