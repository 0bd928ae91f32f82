"""The Celery wiring, end to end: eagerly in-process, and with a real worker."""

import contextlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from core.models import HealthPing
from core.tasks import health_ping_task

PROJECT_DIR = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_eager_round_trip_writes_a_row():
    token = uuid.uuid4().hex
    health_ping_task.delay(token)
    assert HealthPing.objects.filter(token=token).exists()


@pytest.mark.django_db
def test_ping_is_idempotent():
    health_ping_task.delay("same")
    health_ping_task.delay("same")
    assert HealthPing.objects.filter(token="same").count() == 1


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
def _workers():
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


@pytest.fixture
def real_workers(transactional_db):
    """Starts real workers on the test database and the real broker on demand.

    ``real_workers(env=..., args=..., output=...)`` starts one (see
    ``worker_start``); every worker started is stopped at the end.
    """
    with _workers() as start:
        yield start


@pytest.fixture
def real_worker(transactional_db):
    """A real ``celery worker`` process on the test database and the real broker."""
    with _workers() as start:
        yield start()


@pytest.mark.real_services
def test_real_worker_runs_a_task_against_redis_and_postgresql(real_worker):
    token = uuid.uuid4().hex
    health_ping_task.delay(token)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if HealthPing.objects.filter(token=token).exists():
            break
        assert real_worker.poll() is None, real_worker.stdout.read().decode()
        time.sleep(0.25)
    ping = HealthPing.objects.get(token=token)
    assert ping.worker  # written by the worker process, which names its host
