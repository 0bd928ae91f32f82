"""Parallel requests against the real Redis cache: the login lockout and the
API throttle hold exactly (the outside test: 24 parallel attempts checked 6
passwords against a limit of 5, and 8 clients got 1,422 requests through a
1,200/min limit)."""

import os
import secrets
import threading
import time

import pytest
import redis
from django.contrib.auth.backends import ModelBackend
from django.test import Client
from django.urls import reverse

from core.security import counters
from tests.api_helpers import create_key
from tests.factories import GoalFactory, UserFactory
from tests.helpers import redis_cache, run_together

pytestmark = [pytest.mark.real_services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shared_cache(settings):
    """Django's cache on the real Redis, under a prefix of this test's own."""
    prefix = f"test-{secrets.token_hex(4)}"
    url = os.environ["CELERY_BROKER_URL"]
    settings.CACHES = redis_cache(url, prefix)
    counters.reset()
    yield
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    client.close()


def test_parallel_logins_check_no_more_passwords_than_the_limit(
    shared_cache, settings, monkeypatch
):
    settings.LOGIN_MAX_FAILURES_USER = 5
    UserFactory(username="kari")
    checked, lock = [], threading.Lock()
    original = ModelBackend.authenticate

    def slow_check(self, request, **kwargs):
        with lock:
            checked.append(1)
        time.sleep(0.2)  # every attempt is in flight before any fails
        return original(self, request, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", slow_check)

    def attempt():
        response = Client().post(
            reverse("login"), {"username": "kari", "password": "wrong-password-1"}
        )
        return response.status_code

    statuses = run_together(*[attempt] * 24)
    assert statuses == [200] * 24
    assert len(checked) == 5


def test_parallel_clients_get_no_more_through_than_the_rate(shared_cache, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "20/hour"},
    }
    GoalFactory(code="M1")
    raw = create_key("--name", "ssb", "--role", "Integrasjon")

    def client_run():
        client = Client(HTTP_AUTHORIZATION=f"Token {raw}")
        return [client.get("/api/v1/goals/").status_code for _ in range(10)]

    results = run_together(*[client_run] * 8)
    statuses = [status for result in results for status in result]
    assert len(statuses) == 80
    assert statuses.count(200) == 20
    assert statuses.count(429) == 60
