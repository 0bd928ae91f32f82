import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_needs_no_login_and_only_answers_get(client):
    assert client.post(reverse("healthz")).status_code == 405


def test_unreachable_broker_is_reported_as_degraded(client, settings):
    # Port 9 (discard) is closed here: a real failed connection, not a mock.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True


@pytest.mark.real_services
def test_healthz_reaches_the_real_redis(client, settings):
    import os

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    body = client.get(reverse("healthz")).json()
    assert body["broker"] == {"ok": True, "detail": "reachable"}
    assert body["database"] == {"ok": True, "detail": "postgresql"}
