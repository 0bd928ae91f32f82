import os

import pytest
from django.core.management import call_command

from core.roles import Role
from tests.factories import UserFactory

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
