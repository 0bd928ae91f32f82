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


def redis_cache(url: str, prefix: str) -> dict:
    """CACHES for a real Redis, as production configures it (CACHE_URL), under
    a key prefix of the test's own."""
    from django.conf import settings

    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {
                "socket_connect_timeout": settings.CACHE_SOCKET_TIMEOUT,
                "socket_timeout": settings.CACHE_SOCKET_TIMEOUT,
            },
        }
    }


def clock_at(moment):
    """The clock stands at ``moment`` (an aware datetime) for every
    ``timezone.now()``, ``localdate()`` and history date: a write recorded in
    the past, as the as-of tests need."""
    from unittest import mock

    return mock.patch("django.utils.timezone.now", return_value=moment)
