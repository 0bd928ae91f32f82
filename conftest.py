# ruff: noqa: E402 - the helper modules are registered for rewriting first
"""Fixtures used by the tests of several apps.

Plain helpers (no fixtures) live in modules such as ``tests/helpers.py``,
``tests/api_helpers.py`` and ``tests/workers.py``; a test imports those, never
another test module or another directory's ``conftest.py``.
"""

import datetime as dt
import os
from decimal import Decimal

import pytest

# Their assertions report like a test's own; registered before any imports them.
pytest.register_assert_rewrite(
    "tests.api_helpers",
    "tests.helpers",
    "tests.workers",
    "tests.browser.helpers",
    "initiatives.tests.helpers",
)

from django.core.management import call_command
from django.utils import timezone

from core.roles import Role
from councils.services import agenda_item_add
from strategy.services import progress_recompute
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    InitiativeFactory,
    MeetingFactory,
    UserFactory,
)
from tests.workers import workers

REAL_SERVICE_VARIABLES = ("DATABASE_URL", "CELERY_BROKER_URL")


def pytest_collection_modifyitems(config, items):
    """Skip real-service tests without the services, or fail when they are required.

    ``.ci/run`` sets REQUIRE_REAL_SERVICES=1 for its PostgreSQL + Redis run so
    that those tests can never be skipped silently there.
    """
    missing = [name for name in REAL_SERVICE_VARIABLES if not os.environ.get(name)]
    if not missing:
        return
    if os.environ.get("REQUIRE_REAL_SERVICES") == "1":
        raise pytest.UsageError(
            f"REQUIRE_REAL_SERVICES=1 but {', '.join(missing)} is not set"
        )
    skip = pytest.mark.skip(
        reason=f"needs {', '.join(missing)}: .ci/run runs it against the real services"
    )
    for item in items:
        if "real_services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fresh_counters():
    """Login and throttle counts start afresh in every test: the tests share
    one client address, and the anonymous rate would otherwise be spent by
    the tests before."""
    from django.core.cache import cache

    from core.security import counters

    cache.clear()
    counters.reset()
    yield
    cache.clear()
    counters.reset()


@pytest.fixture
def real_strategy(db):
    """The real strategy from the project's seed file."""
    call_command("load_strategy", verbosity=0)


@pytest.fixture
def council_member(db):
    return UserFactory(username="radsmedlem", roles=[Role.COUNCIL_MEMBER])


@pytest.fixture
def secretariat(db):
    return UserFactory(username="sekretariat", roles=[Role.SECRETARIAT])


@pytest.fixture
def approver(db):
    return UserFactory(username="godkjenner", roles=[Role.APPROVER])


@pytest.fixture
def integration_user(db):
    return UserFactory(username="integrasjon", roles=[Role.INTEGRATION])


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def outsider(db):
    """Logged in, but without any role."""
    return UserFactory(username="utenforstaende")


# --- Real Celery workers (the real-service tests of several apps) -------------


@pytest.fixture
def real_workers(transactional_db):
    """Starts real workers on the test database and the real broker on demand.

    ``real_workers(env=..., args=..., output=...)`` starts one (see
    ``tests.workers.worker_start``); every worker started is stopped at the end.
    """
    with workers() as start:
        yield start


@pytest.fixture
def real_worker(transactional_db):
    """A real ``celery worker`` process on the test database and the real broker."""
    with workers() as start:
        yield start()


# --- A meeting with an agenda (the pack tests and the pack PDF browser test) ---


@pytest.fixture
def meeting_with_items(secretariat):
    indicator = IndicatorFactory(
        code="PACK-1",
        baseline_value=Decimal("40"),
        baseline_year=2020,
        target_value=Decimal("80"),
    )
    for year, value in ((2020, "40"), (2022, "46"), (2024, "52")):
        IndicatorValueFactory(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            value=Decimal(value),
            status="approved",
            approved_at=timezone.now() - dt.timedelta(days=30),
        )
    progress_recompute(indicator_ids=[indicator.pk])
    meeting = MeetingFactory(date=timezone.localdate() + dt.timedelta(days=7))
    agenda_item_add(
        meeting=meeting, title="Status", kind="drøfting", indicators=[indicator]
    )
    agenda_item_add(
        meeting=meeting,
        title="Initiativ",
        kind="orientering",
        initiatives=[InitiativeFactory(code="9Z-1")],
    )
    return meeting, indicator
