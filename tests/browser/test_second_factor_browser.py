"""Passkeys in a real browser: Chromium's virtual authenticator (the DevTools
protocol's WebAuthn domain) stands in for a security key or a phone."""

import pytest

from core.models import PasskeyDevice
from core.roles import Role
from tests.browser.helpers import log_in_page


@pytest.fixture
def authenticator(page):
    """A platform authenticator that always says yes, with user verification."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    added = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield session, added["authenticatorId"]
    session.send("WebAuthn.disable")


def test_an_administrator_enrols_a_passkey_before_any_page_and_signs_in_with_it(
    page, authenticator, settings, check_accessibility
):
    settings.MFA_REQUIRED = True
    log_in_page(page, Role.ADMINISTRATOR)

    assert page.url.split("?")[0].endswith("/account/second-factor/"), page.url
    assert page.get_by_text("Rollen din krever en andre faktor").is_visible()
    check_accessibility("second-factor-enrol")
    page.get_by_label("Navn på passnøkkelen").fill("Testnøkkel")
    page.get_by_role("button", name="Sett opp en passnøkkel").click()
    page.wait_for_url("**/account/second-factor/")

    assert page.get_by_text("Passnøkkelen er satt opp.").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    device = PasskeyDevice.objects.get()
    assert device.name == "Testnøkkel"
    page.goto("/")
    assert page.url.endswith("/"), page.url

    # Next time: the password, then the passkey.
    username = device.user.username
    page.get_by_role("button", name="Logg ut").click()
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill("browser-test-password")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/login/second-factor/**")
    check_accessibility("second-factor-verify")
    page.get_by_role("button", name="Bruk passnøkkel").click()
    page.wait_for_url(lambda url: "second-factor" not in url)

    assert page.get_by_role("button", name="Logg ut").is_visible()
    device.refresh_from_db()
    assert device.last_used_at is not None


def test_a_passkey_works_only_for_the_site_it_was_made_for(
    page, authenticator, settings
):
    """When the relying party id is another site's, the passkey is not used
    and the session still owes its second factor."""
    settings.MFA_REQUIRED = True
    log_in_page(page, Role.SECRETARIAT)
    page.get_by_role("button", name="Sett opp en passnøkkel").click()
    page.wait_for_url("**/account/second-factor/")
    user = PasskeyDevice.objects.get().user
    page.get_by_role("button", name="Logg ut").click()

    settings.WEBAUTHN_RP_ID = "tracker.example.org"  # the server expects another
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill("browser-test-password")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url("**/login/second-factor/**")
    page.console_errors.clear()
    page.get_by_role("button", name="Bruk passnøkkel").click()

    page.wait_for_function(
        "() => document.querySelector('.passkey-status').textContent.length > 0"
    )
    assert "second-factor" in page.url
    page.goto("/")
    assert "/login/second-factor/" in page.url
