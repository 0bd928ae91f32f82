"""Session lifetime (30 idle minutes, 12 hours at most), a person's own password
change, and a new password an administrator requires."""

import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from core.middleware import SESSION_STARTED
from core.models import AuthEvent, User
from core.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
NEW_PASSWORD = "another-quite-long-passphrase"


def sign_in(client, username="kari"):
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return response


@pytest.fixture
def kari(db):
    return UserFactory(username="kari", password=PASSWORD, roles=[Role.COUNCIL_MEMBER])


def test_a_session_ends_after_thirty_idle_minutes(client, kari):
    response = sign_in(client)
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60


def test_a_session_ends_twelve_hours_after_sign_in_however_active(client, kari):
    sign_in(client)
    session = client.session
    assert time.time() - session[SESSION_STARTED] < 60
    session[SESSION_STARTED] = int(time.time()) - 12 * 60 * 60 - 1
    session.save()

    response = client.get(reverse("strategy:overview"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in client.session
    login_page = client.get(response["Location"]).content.decode()
    assert "maksimale lengde" in login_page
    assert AuthEvent.objects.filter(kind="logout", user=kari).exists()


def test_a_session_within_twelve_hours_goes_on(client, kari):
    sign_in(client)
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - 11 * 60 * 60
    session.save()
    assert client.get(reverse("strategy:overview")).status_code == 200


def test_signing_in_again_restarts_the_absolute_lifetime(client, kari):
    sign_in(client)
    session = client.session
    session[SESSION_STARTED] = int(time.time()) - 60 * 60
    session.save()
    sign_in(client)
    assert time.time() - client.session[SESSION_STARTED] < 60


def test_a_person_changes_their_own_password_and_stays_signed_in(client, kari):
    sign_in(client)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "Passordet ditt er endret" in response.content.decode()
    kari.refresh_from_db()
    assert kari.check_password(NEW_PASSWORD)
    assert client.get(reverse("strategy:overview")).status_code == 200
    assert AuthEvent.objects.filter(kind="password_changed", user=kari).exists()


@pytest.mark.parametrize(
    ("old", "new1", "new2", "error"),
    [
        ("wrong-old-password", NEW_PASSWORD, NEW_PASSWORD, "old_password"),
        (PASSWORD, "short", "short", "new_password2"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password2"),
        (PASSWORD, "kari", "kari", "new_password2"),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    client, kari, old, new1, new2, error
):
    sign_in(client)
    response = client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[error]
    kari.refresh_from_db()
    assert kari.check_password(PASSWORD)
    assert not AuthEvent.objects.filter(kind="password_changed").exists()


def test_the_password_page_needs_a_signed_in_person(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_person_asked_for_a_new_password_must_choose_one_first(client, kari):
    kari.password_change_required = True
    kari.save()
    sign_in(client)

    for page in ("strategy:overview", "indicators:list", "audit"):
        response = client.get(reverse(page))
        assert response.status_code == 302
        assert response["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200

    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    kari.refresh_from_db()
    assert not kari.password_change_required
    assert client.get(reverse("strategy:overview")).status_code == 200


def test_a_person_asked_for_a_new_password_can_still_sign_out(client, kari):
    kari.password_change_required = True
    kari.save()
    sign_in(client)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_the_admin_requires_a_new_password_and_it_is_logged(client, kari):
    admin = UserFactory(
        username="admin", password=PASSWORD, is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    response = client.post(
        reverse("admin:core_user_changelist"),
        {"action": "require_new_password", "_selected_action": [kari.pk]},
    )
    assert response.status_code == 302
    kari.refresh_from_db()
    assert kari.password_change_required
    event = AuthEvent.objects.get(kind="password_required")
    assert event.user == kari and event.detail == "by admin"
    assert not User.objects.get(pk=admin.pk).password_change_required
