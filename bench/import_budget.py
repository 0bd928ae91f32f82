"""The import budget: how fast a real worker refuses an XLSX that unpacks to
millions of rows, and how much its memory rises meanwhile.

The outside test's file, 5,000,000 rows packed into about a megabyte, took a
worker to 2.4 GB before it was refused; the target is a refusal within 2 s
with the worker's memory rising by less than 100 MB. Builds that file (and, to
show the row budget at work too, one whose sheet stays inside the unpacked
size limits but holds more rows than an import may have), starts a real
``celery -A config worker`` (solo pool: the task runs in the worker process
measured) on a scratch database and Redis database, lets it check one small
import to warm up, then for each file: resets the worker's peak memory
(``/proc/<pid>/clear_refs``), uploads the file as the web does
(``value_import_create``), and prints the seconds until the job is refused
and the rise of the worker's peak resident memory over its size before.

    .venv/bin/python bench/import_budget.py

``BENCH_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/bench_import_budget``)
names the scratch database, dropped and created afresh (its name must start
with ``bench``); ``BENCH_BROKER_URL`` (default ``redis://127.0.0.1:6379/14``)
the Redis database, flushed at the start. Exits 1 if a file is not refused
within 2 s or the memory rises by 100 MB or more.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.import_values import scratch_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_import_budget"
DEFAULT_BROKER = "redis://127.0.0.1:6379/14"
SECONDS_LIMIT = 2.0
MEMORY_LIMIT_MB = 100
WAIT = 120


def django_setup(url: str, broker: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["CELERY_BROKER_URL"] = broker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def fixtures():
    from core.models import User
    from indicators.models import Indicator
    from strategy.models import Goal, Strategy

    strategy = Strategy.objects.create(
        title_nb="Bench", start_year=2023, end_year=2030, document_version="bench"
    )
    goal = Goal.objects.create(
        strategy=strategy, code="M1", order=1, title_nb="Bench", kind="direct_benefit"
    )
    Indicator.objects.create(
        code="K1",
        goal=goal,
        name_nb="Bench",
        unit="count",
        direction="increase",
        frequency="annual",
    )
    return User.objects.create(username="bench-sekretariat")


def worker_start() -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base"},
    )


def import_until_done(user, name: str, content: bytes, worker) -> tuple:
    """Seconds from upload to a finished check, and the job."""
    from indicators.imports import value_import_create
    from indicators.models import ImportStatus

    done = (ImportStatus.CHECKED, ImportStatus.INVALID, ImportStatus.FAILED)
    start = time.perf_counter()
    job = value_import_create(user=user, filename=name, content=content)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in done:
            return time.perf_counter() - start, job
        if worker.poll() is not None:
            sys.exit(f"the worker died (exit {worker.returncode})")
        time.sleep(0.01)
    sys.exit(f"{name}: not checked within {WAIT} s")


def measure(user, worker, name: str, content: bytes) -> tuple[float, float]:
    from tests.workers import memory_kib, memory_peak_reset

    before = memory_kib(worker.pid)
    memory_peak_reset(worker.pid)
    seconds, job = import_until_done(user, name, content, worker)
    rise = (memory_kib(worker.pid, "VmHWM") - before) / 1024
    print(
        f"{name}: {len(content) / 2**20:.2f} MB uploaded; {job.status} after "
        f"{seconds:.2f} s; worker memory {before / 1024:.0f} MB, peak rise "
        f"{rise:.1f} MB; says: {'; '.join(job.file_errors)[:120]}"
    )
    return seconds, rise


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    broker = os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER)
    scratch_database(url)
    redis.Redis.from_url(broker).flushdb()
    django_setup(url, broker)
    from config.celery import app
    from indicators import import_files
    from tests.xlsx_files import rows_xlsx

    app.conf.task_always_eager = False
    user = fixtures()

    print("building the files …")
    bomb = rows_xlsx(5_000_000)
    # Inside the unpacked-size limits (a sheet of empty rows is small), but
    # more rows than an import may hold: the row budget refuses it.
    rows_within_sizes = rows_xlsx(import_files.MAX_ROWS * 2, row_xml="<row/>")
    worker = worker_start()
    try:
        seconds, _job = import_until_done(user, "warm-up.xlsx", rows_xlsx(1), worker)
        print(f"warm-up: a one-row XLSX checked in {seconds:.2f} s")
        results = [
            measure(user, worker, "5M-rows.xlsx", bomb),
            measure(user, worker, "400k-empty-rows.xlsx", rows_within_sizes),
        ]
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    ok = all(s < SECONDS_LIMIT and m < MEMORY_LIMIT_MB for s, m in results)
    print(
        f"target: refused within {SECONDS_LIMIT:.0f} s, memory rise below "
        f"{MEMORY_LIMIT_MB} MB: {'met' if ok else 'NOT MET'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
