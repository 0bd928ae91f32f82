"""The Celery wiring, end to end: eagerly in-process, and with a real worker."""

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


@pytest.fixture
def real_worker(transactional_db):
    """A real ``celery worker`` process on the test database and the real broker."""
    assert connection.vendor == "postgresql", "a shared database needs PostgreSQL"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
    }
    worker = subprocess.Popen(
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
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    celery_app.conf.task_always_eager = False
    try:
        yield worker
    finally:
        celery_app.conf.task_always_eager = True
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


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
