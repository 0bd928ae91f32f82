"""The second factor of local accounts: TOTP enrolment and login, recovery
codes, the lockout, and the enrolment forced before any page when the role
requires it. Passkeys through a browser's authenticator are in
tests/browser/test_second_factor_browser.py."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuthEvent, AuthEventKind
from core.roles import Role
from core.second_factor import OIDC_SESSION_KEY
from tests.factories import UserFactory

PASSWORD = "a-long-test-password"


def code_of(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def signed_in(user) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client


def enrol_app(client) -> tuple[TOTPDevice, list[str]]:
    client.post(reverse("second_factor_app"))
    device = TOTPDevice.objects.get(confirmed=False)
    page = client.get(reverse("second_factor")).content.decode()
    assert "<svg" in page  # the QR code, drawn in the page (no outside service)
    client.post(reverse("second_factor_app_confirm"), {"code": code_of(device)})
    page = client.get(reverse("second_factor")).content.decode()
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page)
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED = True
    return settings


def test_an_administrator_without_a_factor_is_sent_to_enrol_before_any_page(
    db, mfa_required
):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    client = signed_in(admin)

    for path in ("/", "/indicators/", "/audit/", "/goals/M1/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/account/second-factor/?next=")
    page = client.get(reverse("second_factor")).content.decode()
    assert "Rollen din krever en andre faktor" in page


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.APPROVER])
def test_the_other_privileged_roles_must_enrol_too(db, mfa_required, role):
    client = signed_in(UserFactory(roles=[role]))
    assert client.get("/").status_code == 302


def test_a_council_member_is_not_forced_nor_anyone_when_not_required(db, settings):
    member = UserFactory(roles=[Role.COUNCIL_MEMBER])
    settings.MFA_REQUIRED = True
    assert signed_in(member).get("/").status_code == 200
    settings.MFA_REQUIRED = False
    assert (
        signed_in(UserFactory(roles=[Role.ADMINISTRATOR])).get("/").status_code == 200
    )


def test_enrolling_an_app_then_signing_in_with_its_code(db, mfa_required):
    user = UserFactory(roles=[Role.SECRETARIAT])
    first = signed_in(user)
    device, codes = enrol_app(first)
    assert len(codes) == 10
    assert first.get("/").status_code == 200  # the enrolment counts as used

    second = signed_in(user)
    response = second.get("/indicators/")
    assert response["Location"] == "/login/second-factor/?next=/indicators/"
    wrong = second.post(reverse("second_factor_verify"), {"code": "000000"})
    assert "Koden er feil eller allerede brukt" in wrong.content.decode()
    assert second.get("/").status_code == 302
    response = second.post(
        reverse("second_factor_verify"),
        {"code": code_of(device, steps_ahead=1), "next": "/indicators/"},
    )
    assert response["Location"] == "/indicators/"
    assert second.get("/indicators/").status_code == 200


def test_a_recovery_code_signs_in_once(db, mfa_required):
    user = UserFactory(roles=[Role.APPROVER])
    _device, codes = enrol_app(signed_in(user))

    client = signed_in(user)
    client.post(reverse("second_factor_verify"), {"code": codes[0].upper()})
    assert client.get("/").status_code == 200
    again = signed_in(user)
    again.post(reverse("second_factor_verify"), {"code": codes[0]})
    assert again.get("/").status_code == 302
    page = client.get(reverse("second_factor")).content.decode()
    assert "9 gjenopprettingskoder igjen" in page


def test_the_lockout_covers_the_second_factor(db, mfa_required, settings):
    user = UserFactory(roles=[Role.ADMINISTRATOR])
    device, _codes = enrol_app(signed_in(user))
    client = signed_in(user)
    for _ in range(settings.LOGIN_MAX_FAILURES_USER):
        client.post(reverse("second_factor_verify"), {"code": "123456"})
    # A new password login does not wipe the count of wrong codes.
    client = signed_in(user)
    response = client.post(
        reverse("second_factor_verify"), {"code": code_of(device, steps_ahead=1)}
    )

    assert "For mange mislykkede innlogginger" in response.content.decode()
    assert client.get("/").status_code == 302
    assert AuthEvent.objects.filter(
        kind=AuthEventKind.LOCKED_OUT, user=user, detail="second factor"
    ).exists()
    assert (
        AuthEvent.objects.filter(
            kind=AuthEventKind.LOGIN_FAILED,
            user=user,
            detail="second factor: wrong code",
        ).count()
        == settings.LOGIN_MAX_FAILURES_USER
    )


def test_a_session_owing_its_factor_cannot_enrol_another(db, mfa_required):
    user = UserFactory(roles=[Role.SECRETARIAT])
    enrol_app(signed_in(user))
    client = signed_in(user)

    client.post(reverse("second_factor_app"))
    assert client.get(reverse("second_factor"))["Location"].startswith(
        "/login/second-factor/"
    )
    assert not TOTPDevice.objects.filter(confirmed=False).exists()
    response = client.post(
        reverse("second_factor_passkey_options"), {"purpose": "register"}
    )
    assert response.status_code == 400


def test_people_signed_in_through_the_provider_are_not_asked_here(db, mfa_required):
    client = Client()
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    session = client.session
    session[OIDC_SESSION_KEY] = "the provider's ID token"
    session.save()

    assert client.get("/").status_code == 200


def test_the_second_factor_comes_before_a_required_password_change(db, mfa_required):
    user = UserFactory(roles=[Role.SECRETARIAT])
    device, _codes = enrol_app(signed_in(user))
    user.password_change_required = True
    user.save(update_fields=["password_change_required"])
    client = signed_in(user)

    assert client.get("/")["Location"] == "/login/second-factor/?next=/"
    assert client.get("/login/second-factor/?next=/").status_code == 200
    response = client.post(
        reverse("second_factor_verify"),
        {"code": code_of(device, steps_ahead=1), "next": "/"},
    )
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200
