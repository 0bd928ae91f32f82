"""Sign-in through OpenID Connect without a browser: configuration, the login
page, the provider down, a callback without its state, and how accounts are
linked and given roles. The flow through a real provider is in
tests/browser/test_sign_in_browser.py."""

import pytest
from django.urls import reverse

from core import oidc
from core.models import AuthEvent, AuthEventKind, ExternalIdentity
from core.roles import Role, roles_from_claim, user_roles
from core.services import external_sign_in
from tests.factories import UserFactory
from tests.redis_server import free_port

ISSUER = "https://idp.example.org"


@pytest.fixture
def configured(settings):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"  # nothing listens
    settings.OIDC_CLIENT_ID = "tracker"
    settings.OIDC_CLIENT_SECRET = "secret-of-the-tests"
    settings.OIDC_PROVIDER_NAME = "HelseID"
    settings.OIDC_TIMEOUT = 2
    oidc.cache_clear()
    yield settings
    oidc.cache_clear()


def test_roles_from_a_claim_take_only_what_the_map_names():
    role_map = {"g1": "Sekretariat", "g2": "Godkjenner"}
    assert roles_from_claim(["g1", "g3", 7], role_map) == {"Sekretariat"}
    assert roles_from_claim("g2", role_map) == {"Godkjenner"}
    assert roles_from_claim(None, role_map) == set()
    assert roles_from_claim({"g1": True}, role_map) == set()


def test_without_a_provider_the_sign_in_addresses_are_404(client, db):
    assert client.get(reverse("oidc_start")).status_code == 404
    assert client.get(reverse("oidc_callback")).status_code == 404
    page = client.get(reverse("login")).content.decode()
    assert "Logg inn med" not in page
    assert 'name="password"' in page


def test_the_login_page_offers_the_provider_first_and_the_local_form_second(
    client, db, configured
):
    page = client.get(reverse("login")).content.decode()
    assert "Logg inn med HelseID" in page
    assert page.index("Logg inn med HelseID") < page.index('name="password"')


def test_the_local_form_is_hidden_and_refused_when_only_the_provider_may_be_used(
    client, db, configured
):
    configured.OIDC_ONLY = True
    user = UserFactory(roles=[Role.SECRETARIAT], password="a-long-password-1")
    page = client.get(reverse("login")).content.decode()
    assert 'name="password"' not in page
    response = client.post(
        reverse("login"), {"username": user.username, "password": "a-long-password-1"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_provider_that_cannot_be_reached_is_said_plainly(client, db, configured):
    response = client.get(reverse("oidc_start"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert "Innloggingstjenesten kan ikke nås akkurat nå" in response.content.decode()
    assert AuthEvent.objects.filter(
        kind=AuthEventKind.LOGIN_FAILED, detail__startswith="oidc provider_down"
    ).exists()


def test_a_callback_that_was_not_started_here_is_refused(client, db, configured):
    response = client.get(
        reverse("oidc_callback"), {"code": "abc", "state": "xyz"}, follow=True
    )

    assert "Innloggingen kunne ikke bekreftes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_error_from_the_provider_is_said_plainly(client, db, configured):
    response = client.get(
        reverse("oidc_callback"), {"error": "access_denied"}, follow=True
    )

    assert "Innloggingstjenesten slapp deg ikke inn" in response.content.decode()


def test_the_policy_lets_the_logout_form_go_on_to_the_provider(client, db, configured):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert f"form-action 'self' {configured.OIDC_ISSUER}" in policy


def test_accounts_are_linked_by_issuer_and_subject_never_by_email(db, settings):
    settings.OIDC_ROLES_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = {"grp-sek": Role.SECRETARIAT.value}
    local = UserFactory(username="kari", email="kari@example.org")
    claims = {
        "sub": "abc-123",
        "preferred_username": "kari",
        "email": "kari@example.org",
        "groups": ["grp-sek"],
    }

    user = external_sign_in(issuer=ISSUER, claims=claims)

    assert user.pk != local.pk
    assert user.username.startswith("kari-")
    assert user_roles(user) == {Role.SECRETARIAT.value}
    assert user_roles(local) == frozenset()
    assert external_sign_in(issuer=ISSUER, claims=claims).pk == user.pk
    other_issuer = external_sign_in(issuer="https://other.example.org", claims=claims)
    assert other_issuer.pk != user.pk
    assert ExternalIdentity.objects.count() == 2


def test_a_first_sign_in_without_a_mapped_claim_has_no_role(db, settings):
    settings.OIDC_ROLES_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = {"grp-sek": Role.SECRETARIAT.value}

    user = external_sign_in(issuer=ISSUER, claims={"sub": "x", "groups": ["grp-x"]})

    assert user_roles(user) == frozenset()
    assert not user.has_usable_password()


def test_a_misconfigured_provider_or_role_map_fails_the_checks(settings, tmp_path):
    from core.checks import oidc_settings_are_complete

    def ids():
        return sorted(error.id for error in oidc_settings_are_complete(None))

    assert ids() == []
    settings.OIDC_ISSUER = ISSUER
    assert ids() == ["core.E101"]
    settings.OIDC_CLIENT_ID = "tracker"
    assert ids() == ["core.E102"]
    settings.OIDC_PRIVATE_KEY_FILE = str(tmp_path / "missing.pem")
    settings.OIDC_ROLE_MAP = {"g1": "Superuser"}
    settings.OIDC_SCOPES = "profile"
    assert ids() == ["core.E103", "core.E104", "core.E105"]
    settings.OIDC_CERTIFICATE_FILE = str(tmp_path / "missing.crt")
    assert "core.E106" in ids()


def test_the_client_assertion_names_its_key_and_certificate(settings, tmp_path):
    """Entra ID finds a certificate credential by its thumbprint (x5t)."""
    import base64
    import datetime as dt
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tracker")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "tracker.crt"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    der = certificate.public_bytes(serialization.Encoding.DER)
    settings.OIDC_KEY_ID = "key-1"
    assert oidc.assertion_headers() == {"kid": "key-1"}

    settings.OIDC_CERTIFICATE_FILE = str(path)
    headers = oidc.assertion_headers()

    thumbprint = base64.urlsafe_b64encode(hashlib.sha1(der).digest()).rstrip(b"=")  # noqa: S324
    assert headers["x5t"] == thumbprint.decode()
    assert headers["kid"] == "key-1"
    assert len(headers["x5t#S256"]) == 43
