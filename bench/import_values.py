"""Rows per second of a 100,000-row CSV value import against PostgreSQL.

Compares the app's import (dry run, then the all-or-nothing commit through
``indicators.services.values_record`` with audit history) with a plain psycopg
``COPY`` of the same rows into a scratch table, in the same run, and prints
the ratio; and with the database floor: the same revisions and history rows
written into the app's own tables with no Python per row (``database_floor``),
which bounds what any ingest path of this schema can reach. Uses its own
scratch database, dropped and created afresh:

    .venv/bin/python bench/import_values.py

``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/bench_import_values``)
names the scratch database; its name must start with ``bench``.

Never point BENCH_DATABASE_URL at a database you want to keep.
"""

import datetime as dt
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_import_values"
INDICATORS = 400
PERIODS = 250  # monthly, 2005-01 onwards: 400 * 250 = 100,000 rows


def scratch_database(url: str) -> None:
    """Drop (closing what is still connected) and create the bench database."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.startswith("bench"):
        sys.exit(f"refusing to drop {name!r}: the scratch database must be bench*")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def csv_content() -> bytes:
    lines = ["indikator;periode;verdi"]
    for i in range(INDICATORS):
        for m in range(PERIODS):
            lines.append(f"B{i};{2005 + m // 12}-{m % 12 + 1:02d};{m},5")
    return ("\n".join(lines) + "\n").encode("utf-8")


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def fixtures():
    """A goal, a secretariat user and the monthly indicators the file names."""
    from core.models import User
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
            code=f"B{i}",
            goal=goal,
            name_nb=f"Bench {i}",
            unit="count",
            direction="increase",
            frequency="monthly",
        )
        for i in range(INDICATORS)
    )
    return User.objects.create(username="bench-sekretariat")


def app_import(content: bytes, user) -> tuple[float, float, int]:
    """Seconds for the dry run and for the commit; rows written."""
    from indicators.imports import (
        import_check,
        import_commit,
        value_import_commit_request,
    )
    from indicators.models import ImportStatus, IndicatorValue, ValueImport

    job = ValueImport.objects.create(
        filename="bench.csv", content=content, created_by=user
    )
    start = time.perf_counter()
    import_check(job_id=job.pk)
    checked = time.perf_counter()
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED, job.file_errors[:3]
    assert value_import_commit_request(job=job, user=user)
    import_commit(job_id=job.pk)
    done = time.perf_counter()
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED, job.file_errors[:3]
    return checked - start, done - checked, IndicatorValue.objects.count()


def copy_import(url: str, content: bytes) -> float:
    """Seconds for a plain COPY of the same rows into a scratch table."""
    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TABLE bench_copy (indicator text, period text, value text)"
        )
        start = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY bench_copy FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER)"
            ) as copy,
        ):
            copy.write(content)
        conn.commit()
        seconds = time.perf_counter() - start
        (rows,) = conn.execute("SELECT count(*) FROM bench_copy").fetchone()
        assert rows == INDICATORS * PERIODS
    return seconds


def database_floor(url: str) -> float:
    """Seconds for the least the database itself must do to store these rows.

    The same 100,000 revisions and their audit rows with no Python per row: a
    COPY of prepared text into the app's value table and one INSERT … SELECT
    into its history table, with all their indexes and the (deferred)
    foreign-key checks, committed. No ingest path of this schema can be faster.
    """
    with psycopg.connect(url) as conn:
        ids = dict(conn.execute("SELECT code, id FROM indicators_indicator"))
        (user,) = conn.execute(
            "SELECT id FROM core_user WHERE username = 'bench-sekretariat'"
        ).fetchone()
        (last,) = conn.execute(
            "SELECT coalesce(max(id), 0) FROM indicators_indicatorvalue"
        ).fetchone()
        now = dt.datetime.now(dt.UTC).isoformat()
        data = "".join(
            f"{ids[f'B{i}']}\t{2005 + m // 12}-{m % 12 + 1:02d}-01\tmonthly\t{m}.5"
            f"\tsubmitted\timport\t\t{user}\t{now}\t\n"
            for i in range(INDICATORS)
            for m in range(PERIODS)
        )
        columns = sql.SQL(
            "id, indicator_id, period_start, granularity, value, status, source, "
            "comment, entered_by_id, entered_at, approved_by_id, approved_at, "
            "rejection_reason, supersedes_id, superseded_at"
        )
        start = time.perf_counter()
        with conn.cursor() as cur:
            with cur.copy(
                "COPY indicators_indicatorvalue (indicator_id, period_start, "
                "granularity, value, status, source, comment, entered_by_id, "
                "entered_at, rejection_reason) FROM STDIN"
            ) as copy:
                copy.write(data)
            cur.execute(
                sql.SQL(
                    "INSERT INTO indicators_historicalindicatorvalue ({columns}, "
                    "history_date, history_change_reason, history_type, "
                    "history_user_id) SELECT {columns}, now(), 'import', '+', %s "
                    "FROM indicators_indicatorvalue WHERE id > %s"
                ).format(columns=columns),
                [user, last],
            )
        conn.commit()
        return time.perf_counter() - start


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    scratch_database(url)
    django_setup(url)
    content = csv_content()
    user = fixtures()
    rows = INDICATORS * PERIODS
    check_s, commit_s, written = app_import(content, user)
    assert written == rows
    copy_s = copy_import(url, content)
    floor_s = database_floor(url)

    lines = [
        ("app import, dry run", check_s),
        ("app import, commit", commit_s),
        ("app import, dry run + commit", check_s + commit_s),
        ("psycopg COPY, scratch table", copy_s),
        ("database floor (see docstring)", floor_s),
    ]
    print(f"rows: {rows:,} ({len(content) / 1e6:.1f} MB CSV), database {url}")
    for label, seconds in lines:
        print(f"{label:30}: {seconds:6.2f} s {rows / seconds:12,.0f} rows/s")
    print(f"ratio commit / COPY           : 1 : {commit_s / copy_s:.1f}")
    print(f"ratio dry run + commit / COPY : 1 : {(check_s + commit_s) / copy_s:.1f}")
    print(f"ratio dry run / COPY          : 1 : {check_s / copy_s:.1f}")
    print(f"ratio database floor / COPY   : 1 : {floor_s / copy_s:.1f}")
    print(f"ratio commit / database floor : 1 : {commit_s / floor_s:.1f}")


if __name__ == "__main__":
    main()
