"""Redis goes away while values are saved and approved; nothing is lost, and
the sweep brings every status up to date once it is back."""

import json
import logging
import os
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from config.celery import app as celery_app
from indicators.models import IndicatorValue, ProgressSnapshot
from indicators.tasks import progress_sweep_task
from strategy.models import Goal
from tests.factories import IndicatorFactory
from tests.redis_server import PrivateRedis

pytestmark = [pytest.mark.real_services, pytest.mark.django_db(transaction=True)]


def use_broker(url: str | None) -> None:
    """Point the Celery app at a broker (None: back to eager, in-process).

    Celery reads CELERY_BROKER_URL from the environment before its own
    configuration, so the variable is what must change.
    """
    celery_app.conf.task_always_eager = url is None
    if url:
        os.environ["CELERY_BROKER_URL"] = url
    celery_app.amqp._producer_pool = None
    celery_app._pool = None


@pytest.fixture
def redis_broker():
    redis = PrivateRedis()
    redis.start()
    original = os.environ.get("CELERY_BROKER_URL")
    use_broker(f"redis://127.0.0.1:{redis.port}/0")
    assert celery_app.conf.broker_url.endswith(f":{redis.port}/0")
    try:
        yield redis
    finally:
        if redis.process.poll() is None:
            redis.stop()
        if original is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = original
        use_broker(None)


def test_saves_and_approvals_survive_a_broker_outage(
    client, secretariat, approver, real_strategy, redis_broker, caplog
):
    caplog.set_level(logging.WARNING, logger="indicators.tasks")
    indicators = [
        IndicatorFactory(
            code=f"OUT-{n}",
            goal=Goal.objects.get(code="M1"),
            baseline_value=Decimal("40"),
            baseline_year=2020,
            target_value=Decimal("80"),
        )
        for n in range(3)
    ]
    redis_broker.stop()  # the broker is down from here on

    # Values through the form (secretariat) and the API (secretariat session).
    client.force_login(secretariat)
    for year, value in ((2020, "40"), (2022, "48")):
        response = client.post(
            reverse("indicators:value_enter", args=["OUT-0"]),
            {"period": str(year), "value": value, "comment": ""},
        )
        assert response.status_code == 302, response.content[:500]
    api = APIClient()
    api.force_authenticate(secretariat)
    bulk = [
        {"indicator": i.code, "period": str(year), "value": str(40 + 4 * k)}
        for i in indicators[1:]
        for k, year in enumerate((2020, 2022, 2024))
    ]
    response = api.post("/api/v1/values/bulk/", bulk, format="json")
    assert response.status_code in (200, 201), response.content[:500]

    # Approval queues a recompute after commit: the publish fails, the
    # approval stands.
    approver_api = APIClient()
    approver_api.force_authenticate(approver)
    refs = [
        {"indicator": v.indicator.code, "period": str(v.period_start.year)}
        for v in IndicatorValue.objects.filter(status="submitted").select_related(
            "indicator"
        )
    ]
    response = approver_api.post(
        "/api/v1/values/approve/", {"items": refs}, format="json"
    )
    assert response.status_code == 200, response.content[:500]
    assert json.loads(response.content)["approved"] == len(refs) == 8
    assert IndicatorValue.objects.filter(status="approved").count() == 8
    assert not ProgressSnapshot.objects.exists()
    assert "sweep will recompute" in caplog.text  # the publish failed, was logged

    # Redis returns; the sweep (run here in-process) catches up on everything.
    redis_broker.start()
    use_broker(None)
    progress_sweep_task.delay()
    snapshots = ProgressSnapshot.objects.filter(indicator__in=indicators)
    assert {s.indicator.code for s in snapshots} == {"OUT-0", "OUT-1", "OUT-2"}
    assert all(s.status != "not_available" for s in snapshots)
    assert (
        snapshots.filter(indicator__code="OUT-0").get().components["current_time"]
        == 2022.0
    )
