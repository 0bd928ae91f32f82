"""Plain helpers shared by tests of several apps (no fixtures here)."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction


def assert_refused(constraint: str, create) -> None:
    """``create()`` fails on the database constraint named ``constraint``."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        create()


def run_together(*jobs):
    """Run each job in its own thread and connection, released at once."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(i, job):
        try:
            barrier.wait(timeout=10)
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, j)) for i, j in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def clock_at(moment):
    """The clock stands at ``moment`` (an aware datetime) for every
    ``timezone.now()``, ``localdate()`` and history date: a write recorded in
    the past, as the as-of tests need."""
    from unittest import mock

    return mock.patch("django.utils.timezone.now", return_value=moment)
