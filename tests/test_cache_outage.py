"""The shared cache (Redis, as production configures it) goes away or hangs:
the API and logins keep working, each request costing at most a fraction of a
second; the lockout holds on a count in the process; /healthz says so.

The outside test: with the cache's Redis down every API call and every login
answered 500, and with it hung (SIGSTOP) they took 5 s and then 500.
"""

import logging
import time

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuthEvent
from core.roles import Role
from core.security import counters
from tests.api_helpers import create_key
from tests.factories import GoalFactory, UserFactory
from tests.helpers import redis_cache
from tests.redis_server import PrivateRedis

pytestmark = [pytest.mark.real_services, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"
# "A fraction of a second": one socket timeout (0.25 s) and the request itself.
SLOWEST = 0.8


@pytest.fixture
def cache_redis(settings):
    server = PrivateRedis()
    server.start()
    settings.CACHES = redis_cache(f"redis://127.0.0.1:{server.port}/0", "outage")
    counters.reset()
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.thaw()
            server.stop()
        counters.reset()


def timed(call):
    start = time.perf_counter()
    response = call()
    return response, time.perf_counter() - start


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_the_api_and_logins_survive_a_cache_outage(
    client, cache_redis, settings, caplog, outage
):
    caplog.set_level(logging.WARNING, logger="core.security")
    settings.LOGIN_MAX_FAILURES_USER = 3
    GoalFactory(code="M1")
    UserFactory(username="kari", roles=[Role.COUNCIL_MEMBER])
    raw = create_key("--name", "ssb", "--role", "Integrasjon")
    api = Client(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/v1/goals/").status_code == 200
    assert client.get(reverse("healthz")).json()["cache"]["ok"] is True

    if outage == "stopped":
        cache_redis.stop()
    else:
        cache_redis.freeze()

    timings = []
    for _ in range(3):
        response, seconds = timed(lambda: api.get("/api/v1/goals/"))
        assert response.status_code == 200, response.content[:300]
        timings.append(seconds)
    response, seconds = timed(lambda: log_in(client, "kari", PASSWORD))
    assert response.status_code == 302  # logged in
    timings.append(seconds)
    client.post(reverse("logout"))
    # The lockout still holds, on the count of this process.
    for _ in range(3):
        response, seconds = timed(lambda: log_in(client, "kari", "wrong-password-1"))
        assert response.status_code == 200
        timings.append(seconds)
    response, seconds = timed(lambda: log_in(client, "kari", PASSWORD))
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    timings.append(seconds)
    response, seconds = timed(lambda: client.get(reverse("healthz")))
    timings.append(seconds)
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["cache"]["ok"] is False

    assert max(timings) < SLOWEST, timings
    assert "Cache unavailable" in caplog.text
    assert AuthEvent.objects.filter(kind="cache_unavailable").count() == 1
    assert AuthEvent.objects.filter(kind="locked_out", username="kari").exists()
