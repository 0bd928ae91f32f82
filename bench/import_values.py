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

Then (``--part breakdowns`` for this alone) the cost of breakdowns: 90,000
county values (50 indicators declared ``breakdowns=[region]`` × the 15
counties × 120 months, one ``fylke`` column) against 90,000 national values
(750 national indicators × the same 120 months), each imported into emptied
value tables, alternately, best of ``ROUNDS``, as rate per value and the ratio
county / national. That baseline is the fair one: the same number of values,
of series (750) and of values per series (120), the same file shape but for
one column, so the only difference is how a series is named: the extra cell
parsed and checked against the code list, the key's third part, the
``breakdown`` column staged and indexed. (750 indicators lock and look up 15
times as many indicator rows as 50 do; that is part of today's national cost
and is a few ms.) Both database floors are printed too, so that the ratio of
what the app adds can be told from the ratio of what the database must do.
"""

import argparse
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
# The breakdown case: 50 × 15 counties × 120 months against 750 × 120 national.
COUNTY_INDICATORS, NATIONAL_INDICATORS, SERIES_MONTHS = 50, 750, 120
COUNTIES = [
    "03",
    "11",
    "15",
    "18",
    "31",
    "32",
    "33",
    "34",
    "39",
    "40",
    "42",
    "46",
    "50",
    "55",
    "56",
]
ROUNDS = 3


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


def series_fixtures() -> None:
    """The national and the county indicators of the breakdown comparison."""
    from indicators.models import BreakdownCategory, BreakdownDimension, Indicator
    from strategy.models import Goal

    goal = Goal.objects.get(code="M1")
    region = BreakdownDimension.objects.get(code="region")
    counties = set(
        BreakdownCategory.objects.filter(dimension=region, level="county").values_list(
            "code", flat=True
        )
    )
    assert counties == set(COUNTIES), counties
    Indicator.objects.bulk_create(
        Indicator(
            code=code,
            goal=goal,
            name_nb=code,
            unit="count",
            direction="increase",
            frequency="monthly",
        )
        for code in [
            *(f"N{i}" for i in range(NATIONAL_INDICATORS)),
            *(f"F{i}" for i in range(COUNTY_INDICATORS)),
        ]
    )
    Indicator.breakdowns.through.objects.bulk_create(
        Indicator.breakdowns.through(indicator=indicator, breakdowndimension=region)
        for indicator in Indicator.objects.filter(code__startswith="F")
    )


def series_lines(kind: str) -> list[tuple[str, str, str, str]]:
    """(indicator, period, county or "", value) of the national or county case."""
    months = [f"{2010 + m // 12}-{m % 12 + 1:02d}" for m in range(SERIES_MONTHS)]
    if kind == "national":
        return [
            (f"N{i}", month, "", f"{m},5")
            for i in range(NATIONAL_INDICATORS)
            for m, month in enumerate(months)
        ]
    return [
        (f"F{i}", month, county, f"{m},5")
        for i in range(COUNTY_INDICATORS)
        for county in COUNTIES
        for m, month in enumerate(months)
    ]


def series_csv(kind: str) -> bytes:
    if kind == "national":
        lines = ["indikator;periode;verdi"]
        lines += [f"{code};{p};{v}" for code, p, _c, v in series_lines(kind)]
    else:
        lines = ["indikator;periode;fylke;verdi"]
        lines += [f"{code};{p};{c};{v}" for code, p, c, v in series_lines(kind)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def values_truncate(url: str) -> None:
    """Empty the value tables, so that each case writes into the same state."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "TRUNCATE indicators_indicatorvalue, "
            "indicators_historicalindicatorvalue, indicators_valueimport"
        )
        conn.execute(
            "VACUUM ANALYZE indicators_indicatorvalue, "
            "indicators_historicalindicatorvalue"
        )


def series_comparison(url: str, user) -> dict[str, dict[str, float]]:
    """Best seconds of each case and step (dry run, commit, floor)."""
    contents = {kind: series_csv(kind) for kind in ("national", "county")}
    best: dict[str, dict[str, float]] = {kind: {} for kind in contents}
    for _round in range(ROUNDS):
        for kind, content in contents.items():
            values_truncate(url)
            check_s, commit_s, written = app_import(content, user)
            assert written == COUNTY_INDICATORS * len(COUNTIES) * SERIES_MONTHS
            values_truncate(url)
            lines = [
                (code, f"{p}-01", f"region:{c}" if c else "", v.replace(",", "."))
                for code, p, c, v in series_lines(kind)
            ]
            floor_s = database_floor(url, lines)
            for step, seconds in (
                ("dry run", check_s),
                ("commit", commit_s),
                ("dry run + commit", check_s + commit_s),
                ("database floor", floor_s),
            ):
                best[kind][step] = min(best[kind].get(step, seconds), seconds)
    return best


def series_print(best: dict[str, dict[str, float]], *, via: str = "") -> None:
    """Time per value of each step, county next to national, and their ratio
    (``api_ingest.py`` prints its pushes with this too)."""
    n = COUNTY_INDICATORS * len(COUNTIES) * SERIES_MONTHS
    print(
        f"breakdowns{via}: {n:,} values each, best of {ROUNDS}: county = "
        f"{COUNTY_INDICATORS} indicators × {len(COUNTIES)} counties × "
        f"{SERIES_MONTHS} months; national = {NATIONAL_INDICATORS} × "
        f"{SERIES_MONTHS} months"
    )
    for step in best["national"]:
        national, county = best["national"][step], best["county"][step]
        print(
            f"{step:17}: national {national * 1e6 / n:6.1f} µs/value, "
            f"county {county * 1e6 / n:6.1f} µs/value, "
            f"ratio county / national {county / national:.2f}"
        )


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


def database_floor(
    url: str, lines: list[tuple[str, str, str, str]] | None = None
) -> float:
    """Seconds for the least the database itself must do to store these rows.

    The same revisions (by default the 100,000 of ``csv_content``; else
    ``lines`` of indicator code, ``YYYY-MM-DD`` period, breakdown key and value)
    and their audit rows with no Python per row: a COPY of prepared text into
    the app's value table and one INSERT … SELECT into its history table, with
    all their indexes and the (deferred) foreign-key checks, committed. No
    ingest path of this schema can be faster.
    """
    if lines is None:
        lines = [
            (f"B{i}", f"{2005 + m // 12}-{m % 12 + 1:02d}-01", "", f"{m}.5")
            for i in range(INDICATORS)
            for m in range(PERIODS)
        ]
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
            f"{ids[code]}\t{start}\t{breakdown}\tmonthly\t{value}"
            f"\tsubmitted\timport\t\t{user}\t{now}\t\n"
            for code, start, breakdown, value in lines
        )
        columns = sql.SQL(
            "id, indicator_id, period_start, breakdown, granularity, value, status, "
            "source, comment, entered_by_id, entered_at, approved_by_id, "
            "approved_at, rejection_reason, supersedes_id, superseded_at"
        )
        start = time.perf_counter()
        with conn.cursor() as cur:
            with cur.copy(
                "COPY indicators_indicatorvalue (indicator_id, period_start, "
                "breakdown, granularity, value, status, source, comment, "
                "entered_by_id, entered_at, rejection_reason) FROM STDIN"
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
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--part",
        choices=["all", "bulk", "breakdowns"],
        default="all",
        help="the 100,000-row import, the breakdown comparison, or both",
    )
    part = parser.parse_args().part
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    scratch_database(url)
    django_setup(url)
    user = fixtures()
    if part in ("all", "bulk"):
        bulk_run(url, user)
    if part in ("all", "breakdowns"):
        series_fixtures()
        series_print(series_comparison(url, user))


def bulk_run(url: str, user) -> None:
    content = csv_content()
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
