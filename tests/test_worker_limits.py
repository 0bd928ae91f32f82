"""A real worker runs with its own, longer database statement limit.

Web requests get DATABASE_STATEMENT_TIMEOUT, below gunicorn's timeout; tasks
may run longer statements (an import's commit, the nightly recompute) and get
WORKER_DATABASE_STATEMENT_TIMEOUT, applied when the worker starts
(config/celery.py).
"""

import json
import os
import signal
import time

import pytest
import redis

from indicators.tasks import progress_recompute_task
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.real_services
WAIT = 45  # seconds, on a loaded machine
# The queue and kombu's record of delivered, unacknowledged messages.
BROKER_KEYS = ("celery", "unacked", "unacked_index", "unacked_mutex")


@pytest.fixture
def broker():
    client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    client.delete(*BROKER_KEYS)
    yield client
    client.delete(*BROKER_KEYS)  # the killed worker's message
    client.close()


def test_a_worker_takes_the_worker_statement_limit(real_workers, broker, tmp_path):
    hold = tmp_path / "held.json"
    worker = real_workers(
        env={
            "DATABASE_STATEMENT_TIMEOUT": "3",
            "WORKER_DATABASE_STATEMENT_TIMEOUT": "7",
            "WORKER_HOLD_AT": "goals_rollup",
            "WORKER_HOLD_FILE": str(hold),
        },
        args=["--include", "tests.worker_hooks"],
    )
    progress_recompute_task.delay([IndicatorFactory().pk])
    deadline = time.monotonic() + WAIT
    while not hold.exists():
        assert worker.poll() is None, worker.stdout.read().decode()[-3000:]
        assert time.monotonic() < deadline, "the task never reached the worker"
        time.sleep(0.2)
    held = json.loads(hold.read_text())
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=WAIT)
    assert held["pid"] == worker.pid  # the task ran in the worker itself
    assert held["statement_timeout"] == "7s"
