"""API plumbing: keys, roles, the one error shape, pagination bounds."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from core.api import api_key_hash
from core.models import ApiKey
from core.roles import Role
from tests.api_helpers import assert_error, client_with, create_key

pytestmark = pytest.mark.django_db

GOALS = "/api/v1/goals/"


def test_create_api_key_prints_the_key_last_and_stores_only_its_hash(real_strategy):
    raw = create_key("--name", "ssb", "--role", "Integrasjon", "--scope", "M1,M2")
    key = ApiKey.objects.get(name="ssb")
    assert raw.startswith("ehs_") and len(raw) > 40
    assert key.key_hash == api_key_hash(raw)
    assert raw not in str(list(ApiKey.objects.values()))
    assert key.scopes == ["M1", "M2"]
    assert key.user.groups.get().name == "Integrasjon"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "x", "--role", "Integrasjon", "--scope", "M9"], "Unknown scope M9"),
        (["--name", " ", "--role", "Integrasjon"], "Give the key a name"),
    ],
)
def test_create_api_key_refuses_bad_input(real_strategy, args, message):
    with pytest.raises(CommandError, match=message):
        create_key(*args)
    assert not ApiKey.objects.exists()


def test_create_api_key_refuses_a_duplicate_name(real_strategy):
    create_key("--name", "ssb", "--role", "Integrasjon")
    with pytest.raises(CommandError, match="already exists"):
        create_key("--name", "ssb", "--role", "Integrasjon")


def test_key_reads_the_api_and_records_last_use(real_strategy):
    raw = create_key("--name", "ssb", "--role", "Integrasjon")
    response = client_with(raw).get(GOALS)
    assert response.status_code == 200
    assert [goal["code"] for goal in response.json()] == ["M1", "M2", "M3", "M4", "M5"]
    assert ApiKey.objects.get(name="ssb").last_used_at is not None


def test_no_key_is_401_in_the_error_shape(db):
    response = client_with(None).get(GOALS)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_unknown_key_is_401(db):
    assert_error(client_with("ehs_nope").get(GOALS), 401, "not_authenticated")


def test_malformed_authorization_header_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token a b")
    assert_error(client.get(GOALS), 401, "not_authenticated")


def test_revoked_key_is_refused(real_strategy):
    raw = create_key("--name", "ssb", "--role", "Integrasjon")
    call_command("revoke_api_key", "--name", "ssb", stdout=StringIO())
    client = client_with(raw)
    client.cookies["django_language"] = "en"  # messages are Norwegian by default
    error = assert_error(client.get(GOALS), 401, "not_authenticated")
    assert "revoked" in error["message"]


def test_user_without_role_is_403(client, outsider):
    client.force_login(outsider)
    assert_error(client.get(GOALS), 403, "permission_denied")


def test_browser_session_reads_the_api(client, real_strategy, council_member):
    client.force_login(council_member)
    assert client.get(GOALS).status_code == 200


def test_unknown_goal_and_unknown_url_are_404_json(client, real_strategy, secretariat):
    client.force_login(secretariat)
    assert_error(client.get("/api/v1/goals/M9/"), 404, "not_found")
    assert_error(client.get("/api/v1/nothing-here/"), 404, "not_found")


def test_wrong_method_is_405(client, real_strategy, secretariat):
    client.force_login(secretariat)
    assert_error(client.delete(GOALS), 405, "method_not_allowed")


def test_throttled_key_gets_429_with_retry_after(real_strategy, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "2/minute"},
    }
    client = client_with(create_key("--name", "ssb", "--role", "Integrasjon"))
    assert client.get(GOALS).status_code == 200
    assert client.get(GOALS).status_code == 200
    response = client.get(GOALS)
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_schema_and_docs_are_served_locally(client, council_member):
    client.force_login(council_member)
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get(reverse("api-docs")).content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn" not in docs.lower()


def test_roles_that_may_read(real_strategy):
    from tests.factories import UserFactory

    for role in Role:
        client = APIClient()
        client.force_authenticate(UserFactory(roles=[role]))
        assert client.get(GOALS).status_code == 200, role


def test_create_api_key_works_after_the_role_groups_were_flushed(real_strategy):
    """A flushed database (transactional tests, a restored dump) lost the groups
    the migration made; creating a key must not fail on that."""
    from django.contrib.auth.models import Group

    Group.objects.all().delete()
    raw = create_key("--name", "etter-flush", "--role", "Integrasjon")
    assert ApiKey.objects.get(name="etter-flush").user.groups.get().name == (
        "Integrasjon"
    )
    assert raw.startswith("ehs_")


def low_anonymous_rate(settings, rate="3/minute"):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": rate, "user": "1200/minute"},
    }


def test_guessing_keys_is_throttled_and_logged(db, settings):
    """The outside test: failed authentication was never throttled."""
    from core.models import AuthEvent

    low_anonymous_rate(settings)
    guesses = [f"ehs_guess{n}{'x' * 40}" for n in range(6)]
    statuses = [client_with(guess).get(GOALS).status_code for guess in guesses]
    assert statuses == [401, 401, 401, 429, 429, 429]
    kinds = list(AuthEvent.objects.values_list("kind", flat=True))
    assert kinds.count("api_key_failed") == 3  # throttled ones are not logged
    assert kinds.count("auth_throttled") == 1  # the first refusal of the window
    details = " ".join(AuthEvent.objects.values_list("detail", flat=True))
    assert "ehs_guess0" in details  # the prefix, as a key's prefix is shown
    assert guesses[0] not in details  # never a guessed key whole


def test_requests_without_credentials_are_throttled(db, settings):
    low_anonymous_rate(settings)
    statuses = [client_with(None).get(GOALS).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    response = client_with(None).get(GOALS)
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1


def test_a_valid_key_is_not_held_back_by_others_failing(real_strategy, settings):
    low_anonymous_rate(settings)
    raw = create_key("--name", "ssb", "--role", "Integrasjon")
    for n in range(5):
        client_with(f"ehs_guess{n}").get(GOALS)
    assert client_with(raw).get(GOALS).status_code == 200


def test_a_revoked_key_used_is_a_security_event(real_strategy):
    from core.models import AuthEvent

    raw = create_key("--name", "ssb", "--role", "Integrasjon")
    call_command("revoke_api_key", "--name", "ssb", stdout=StringIO())
    client_with(raw).get(GOALS)
    event = AuthEvent.objects.get(kind="api_key_revoked")
    assert event.username == "ssb" and event.address == "127.0.0.1"
    assert raw not in event.detail
