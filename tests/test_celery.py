"""The Celery wiring, end to end: eagerly in-process, and with a real worker."""

import time
import uuid

import pytest

from core.models import HealthPing
from core.tasks import health_ping_task


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
