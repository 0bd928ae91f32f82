"""API keys: a named human owner, expiry, rotation, final revocation, scopes
checked wherever they are set, and four eyes between people, not accounts."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ApiKey
from core.roles import Role
from core.services import api_key_revoke
from indicators.models import IndicatorValue
from strategy.models import Goal
from tests.api_helpers import assert_error, client_with, create_key
from tests.factories import IndicatorFactory, UserFactory

pytestmark = pytest.mark.django_db
GOALS = "/api/v1/goals/"


def english(client: APIClient) -> APIClient:
    client.cookies["django_language"] = "en"
    return client


def command(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


# --- Owner ------------------------------------------------------------------


def test_a_key_is_made_for_a_named_person_and_expires_in_a_year(real_strategy):
    kari = UserFactory(username="kari")
    out = command(
        "create_api_key", "--name", "ssb", "--role", "Integrasjon", "--owner", "kari"
    )
    key = ApiKey.objects.get(name="ssb")
    assert key.owner == kari and "owned by kari" in out
    lifetime = key.expires_at - timezone.now()
    assert dt.timedelta(days=364) < lifetime <= dt.timedelta(days=365)


def test_create_api_key_needs_an_owner(real_strategy):
    with pytest.raises(CommandError, match="--owner"):
        call_command("create_api_key", "--name", "ssb", "--role", "Integrasjon")


@pytest.mark.parametrize("owner", ["nobody", "gone", "api:other"])
def test_the_owner_must_be_an_active_person(real_strategy, owner):
    UserFactory(username="gone", is_active=False)
    create_key("--name", "other", "--role", "Integrasjon")
    with pytest.raises(CommandError):
        create_key("--name", "ssb", "--role", "Integrasjon", "--owner", owner)
    assert not ApiKey.objects.filter(name="ssb").exists()


def test_a_key_without_an_owner_is_refused_until_one_is_named(real_strategy, rf):
    raw = create_key("--name", "old", "--role", "Integrasjon")
    key = ApiKey.objects.get(name="old")
    ApiKey.objects.filter(pk=key.pk).update(owner=None)  # made before owners
    error = assert_error(english(client_with(raw)).get(GOALS), 401, "not_authenticated")
    assert "no owner" in error["message"]
    form = admin_form(rf, key, {"scopes": "[]", "owner": UserFactory().pk})
    assert form.is_valid(), form.errors
    form.save()
    assert client_with(raw).get(GOALS).status_code == 200


def test_a_key_stops_when_its_owner_leaves(real_strategy):
    raw = create_key("--name", "ssb", "--role", "Integrasjon")
    owner = ApiKey.objects.get(name="ssb").owner
    owner.is_active = False
    owner.save()
    error = assert_error(english(client_with(raw)).get(GOALS), 401, "not_authenticated")
    assert "owner" in error["message"]


# --- Expiry and rotation --------------------------------------------------------


def test_an_expired_key_is_refused(real_strategy):
    raw = create_key("--name", "ssb", "--role", "Integrasjon", "--days", "30")
    ApiKey.objects.filter(name="ssb").update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    error = assert_error(english(client_with(raw)).get(GOALS), 401, "not_authenticated")
    assert "expired" in error["message"]


def test_rotation_gives_a_new_key_while_the_old_one_has_a_grace_period(
    real_strategy,
):
    old_raw = create_key("--name", "ssb", "--role", "Integrasjon", "--scope", "M1")
    out = command("rotate_api_key", "--name", "ssb", "--grace-days", "2")
    new_raw = out.strip().splitlines()[-1]
    assert new_raw.startswith("ehs_") and new_raw != old_raw
    old, new = ApiKey.objects.filter(name="ssb").order_by("created_at")
    assert (new.user, new.owner, new.scopes) == (old.user, old.owner, ["M1"])
    assert old.replaced_at is not None and new.replaced_at is None
    assert old.expires_at <= timezone.now() + dt.timedelta(days=2)
    assert client_with(old_raw).get(GOALS).status_code == 200  # in its grace
    assert client_with(new_raw).get(GOALS).status_code == 200
    ApiKey.objects.filter(pk=old.pk).update(expires_at=timezone.now())
    assert_error(client_with(old_raw).get(GOALS), 401, "not_authenticated")
    assert client_with(new_raw).get(GOALS).status_code == 200


def test_only_one_key_of_a_name_is_current(real_strategy):
    create_key("--name", "ssb", "--role", "Integrasjon")
    key = ApiKey.objects.get(name="ssb")
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiKey.objects.create(
            name="ssb",
            user=key.user,
            owner=key.owner,
            prefix="x",
            key_hash="y" * 64,
            expires_at=key.expires_at,
        )


def test_a_revoked_key_cannot_be_rotated(real_strategy):
    create_key("--name", "ssb", "--role", "Integrasjon")
    api_key_revoke(name="ssb")
    with pytest.raises(CommandError, match="revoked"):
        command("rotate_api_key", "--name", "ssb")


def test_revoking_a_name_revokes_the_rotated_key_too(real_strategy):
    old_raw = create_key("--name", "ssb", "--role", "Integrasjon")
    new_raw = command("rotate_api_key", "--name", "ssb").strip().splitlines()[-1]
    command("revoke_api_key", "--name", "ssb")
    for raw in (old_raw, new_raw):
        assert_error(client_with(raw).get(GOALS), 401, "not_authenticated")


# --- Revocation is final ----------------------------------------------------------


def test_the_database_refuses_to_revive_a_revoked_key(real_strategy):
    """The outside test revived a key by clearing revoked_at in the admin."""
    raw = create_key("--name", "ssb", "--role", "Integrasjon")
    (key,) = api_key_revoke(name="ssb")
    for revived in (None, key.revoked_at + dt.timedelta(days=1)):
        with (
            pytest.raises(IntegrityError, match="revocation_is_final"),
            transaction.atomic(),
        ):
            ApiKey.objects.filter(pk=key.pk).update(revoked_at=revived)
    key.last_used_at = timezone.now()
    key.save()  # other changes of a revoked key are allowed
    assert_error(client_with(raw).get(GOALS), 401, "not_authenticated")


def test_the_admin_shows_revocation_read_only_and_revokes_by_an_action(
    real_strategy, admin_client
):
    raw = create_key("--name", "ssb", "--role", "Integrasjon")
    key = ApiKey.objects.get(name="ssb")
    model_admin = admin.site._registry[ApiKey]
    assert "revoked_at" in model_admin.readonly_fields
    assert not model_admin.has_delete_permission(None, key)
    response = admin_client.post(
        "/admin/core/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    url = f"/admin/core/apikey/{key.pk}/change/"
    response = admin_client.post(url, {"scopes": "[]", "revoked_at": ""})
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert_error(client_with(raw).get(GOALS), 401, "not_authenticated")


# --- Scopes wherever they are set ---------------------------------------------------


def admin_form(rf, key, data):
    request = rf.get("/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    form_class = admin.site._registry[ApiKey].get_form(request, key)
    return form_class(data=data, instance=key)


@pytest.mark.parametrize(
    "scopes", ['["NOPE-NOT-A-CODE"]', '["M1", "M9"]', '"M1"', '{"M1": 1}', "[1]"]
)
def test_the_admin_form_refuses_scopes_that_do_not_exist(real_strategy, rf, scopes):
    create_key("--name", "ssb", "--role", "Integrasjon", "--scope", "M1")
    key = ApiKey.objects.get(name="ssb")
    form = admin_form(rf, key, {"scopes": scopes})
    assert not form.is_valid()
    assert "scopes" in form.errors
    key.refresh_from_db()
    assert key.scopes == ["M1"]


def test_the_admin_form_takes_known_scopes(real_strategy, rf):
    IndicatorFactory(code="M2-A", goal=Goal.objects.get(code="M2"))
    create_key("--name", "ssb", "--role", "Integrasjon", "--scope", "M1")
    key = ApiKey.objects.get(name="ssb")
    form = admin_form(rf, key, {"scopes": '["M2-A", "M1", "M1"]'})
    assert form.is_valid(), form.errors
    assert form.save().scopes == ["M1", "M2-A"]


def test_the_admin_form_refuses_a_key_as_owner(real_strategy, rf):
    create_key("--name", "other", "--role", "Integrasjon")
    create_key("--name", "ssb", "--role", "Integrasjon")
    key = ApiKey.objects.get(name="ssb")
    ApiKey.objects.filter(pk=key.pk).update(owner=None)
    key.refresh_from_db()
    other_user = ApiKey.objects.get(name="other").user
    form = admin_form(rf, key, {"scopes": "[]", "owner": other_user.pk})
    assert not form.is_valid() and "owner" in form.errors


# --- Four eyes between people ---------------------------------------------------------


@pytest.fixture
def m1_indicator(real_strategy):
    return IndicatorFactory(code="M1-A", goal=Goal.objects.get(code="M1"))


def push_value(client) -> None:
    response = client.post(
        "/api/v1/indicators/M1-A/values/",
        {"period": "2024", "value": "10"},
        format="json",
    )
    assert response.status_code == 200, response.content


def approve(client):
    return client.post(
        "/api/v1/values/approve/",
        {"items": [{"indicator": "M1-A", "period": "2024"}]},
        format="json",
    )


def test_a_person_cannot_approve_what_their_key_entered(m1_indicator):
    """The outside test: one person holding an integration key and an approver
    account approved their own numbers."""
    kari = UserFactory(username="kari", roles=[Role.APPROVER])
    integration = client_with(
        create_key(
            "--name", "ssb", "--role", "Integrasjon", "--scope", "M1", "--owner", "kari"
        )
    )
    push_value(integration)
    as_kari = APIClient()
    as_kari.force_authenticate(kari)
    assert_error(approve(as_kari), 403, "permission_denied")
    assert IndicatorValue.objects.get().status == "submitted"


def test_a_key_cannot_approve_what_its_owners_other_key_entered(m1_indicator):
    UserFactory(username="kari")
    integration = client_with(
        create_key(
            "--name", "ssb", "--role", "Integrasjon", "--scope", "M1", "--owner", "kari"
        )
    )
    approver_key = client_with(
        create_key(
            "--name",
            "godkj",
            "--role",
            "Godkjenner",
            "--scope",
            "M1",
            "--owner",
            "kari",
        )
    )
    push_value(integration)
    assert_error(approve(approver_key), 403, "permission_denied")
    assert IndicatorValue.objects.get().status == "submitted"


def test_a_key_cannot_approve_what_its_owner_entered(m1_indicator):
    kari = UserFactory(username="kari", roles=[Role.SECRETARIAT])
    as_kari = APIClient()
    as_kari.force_authenticate(kari)
    push_value(as_kari)
    approver_key = client_with(
        create_key(
            "--name",
            "godkj",
            "--role",
            "Godkjenner",
            "--scope",
            "M1",
            "--owner",
            "kari",
        )
    )
    assert_error(approve(approver_key), 403, "permission_denied")


def test_another_person_approves(m1_indicator):
    UserFactory(username="kari")
    ola = UserFactory(username="ola", roles=[Role.APPROVER])
    integration = client_with(
        create_key(
            "--name", "ssb", "--role", "Integrasjon", "--scope", "M1", "--owner", "kari"
        )
    )
    push_value(integration)
    as_ola = APIClient()
    as_ola.force_authenticate(ola)
    assert approve(as_ola).status_code == 200
    assert IndicatorValue.objects.get().status == "approved"
