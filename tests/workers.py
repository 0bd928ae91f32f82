"""Real ``celery worker`` processes for the real-service tests.

The fixtures ``real_worker`` and ``real_workers`` (in the root ``conftest.py``)
use ``workers``; a test may also call ``worker_start``/``worker_stop`` itself.
"""

import contextlib
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

PROJECT_DIR = Path(__file__).resolve().parents[1]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return (
        f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def worker_start(*, env=None, args=(), output=subprocess.PIPE) -> subprocess.Popen:
    """A ``celery worker`` process (solo pool: tasks run in this very process).

    ``env`` is added to the worker's environment, ``args`` to its command line.
    """
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        **(env or {}),
    }
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
            *args,
        ],
        cwd=PROJECT_DIR,
        env=worker_env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


def worker_stop(worker: subprocess.Popen) -> None:
    """Warm shutdown; killed if it does not stop within 20 s."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


@contextlib.contextmanager
def workers():
    """Yields ``start(**kwargs)``, which starts a worker (see ``worker_start``);
    Celery is not eager meanwhile, and every worker started is stopped at the end.
    """
    assert connection.vendor == "postgresql", "a shared database needs PostgreSQL"
    started: list[subprocess.Popen] = []

    def start(**kwargs) -> subprocess.Popen:
        worker = worker_start(**kwargs)
        started.append(worker)
        return worker

    celery_app.conf.task_always_eager = False
    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = True
        for worker in started:
            worker_stop(worker)


def memory_kib(pid: int, field: str = "VmRSS") -> int:
    """A process's resident memory (``VmRSS``) or its peak (``VmHWM``), in KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} for process {pid}")


def memory_peak_reset(pid: int) -> None:
    """Start the process's peak (``VmHWM``) afresh from its present size."""
    with open(f"/proc/{pid}/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
