"""Signing in through a real OpenID Connect provider (tests/oidc/provider.mjs):
PKCE S256 and private_key_jwt, once with PAR, the role from a group claim,
signing out at the provider, and the refusals the login page explains."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from core import oidc
from core.models import AuthEvent, AuthEventKind, ExternalIdentity, User
from core.roles import Role, user_roles
from core.services import role_group
from tests.oidc_provider import CLIENT_KEY_ID, OidcProvider, client_key

PROVIDER_NAME = "Testleverandøren"


@pytest.fixture(scope="session")
def client_keys(tmp_path_factory):
    return client_key(tmp_path_factory.mktemp("oidc"))


@pytest.fixture(scope="session")
def provider(live_server, client_keys):
    provider = OidcProvider(rp_origin=live_server.url, client_jwks=client_keys[1])
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def use_provider(settings, provider, client_keys):
    """Point the tracker at the provider as client ``client_id``."""

    def configure(client_id="tracker", *, par=False):
        settings.OIDC_ISSUER = provider.issuer
        settings.OIDC_CLIENT_ID = client_id
        settings.OIDC_PRIVATE_KEY_FILE = str(client_keys[0])
        settings.OIDC_KEY_ID = CLIENT_KEY_ID
        settings.OIDC_SCOPES = "openid profile email groups"
        settings.OIDC_USE_PAR = par
        settings.OIDC_ROLES_CLAIM = "groups"
        settings.OIDC_ROLE_MAP = {
            "grp-rad": Role.COUNCIL_MEMBER.value,
            "grp-sekretariat": Role.SECRETARIAT.value,
            "grp-godkjenner": Role.APPROVER.value,
            "grp-admin": Role.ADMINISTRATOR.value,
        }
        settings.OIDC_PROVIDER_NAME = PROVIDER_NAME
        oidc.cache_clear()
        return provider

    yield configure
    oidc.cache_clear()


def sign_in_at_provider(page, login: str) -> None:
    """From the tracker's login page through the provider's login form."""
    page.goto("/login/")
    page.get_by_role("link", name=f"Logg inn med {PROVIDER_NAME}").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    # The provider's development login page asks for outside fonts that do
    # not resolve here; only the tracker's own pages must be free of errors.
    page.console_errors.clear()


def refusal(page) -> str:
    assert urlsplit(page.url).path == "/login/", page.url
    return page.locator(".messages").inner_text()


def test_sign_in_with_pkce_and_private_key_jwt_takes_the_role_from_a_group_claim(
    page, use_provider, provider, check_accessibility
):
    use_provider()
    requests_to_provider = []
    page.on(
        "request",
        lambda request: (
            request.url.startswith(provider.issuer)
            and requests_to_provider.append(request.url)
        ),
    )
    sign_in_at_provider(page, "sekretaer")

    assert urlsplit(page.url).path == "/", page.url
    authorization = dict(parse_qsl(urlsplit(requests_to_provider[0]).query))
    assert authorization["code_challenge_method"] == "S256"
    assert len(authorization["code_challenge"]) == 43
    assert authorization["state"] and authorization["nonce"]
    identity = ExternalIdentity.objects.get(issuer=provider.issuer, subject="sekretaer")
    assert user_roles(identity.user) == {Role.SECRETARIAT.value}
    assert not identity.user.has_usable_password()
    assert AuthEvent.objects.filter(
        kind=AuthEventKind.ROLES_CHANGED, user=identity.user, detail="+ Sekretariat"
    ).exists()
    assert AuthEvent.objects.filter(
        kind=AuthEventKind.LOGIN, user=identity.user
    ).exists()
    check_accessibility("sign-in-oidc-overview")

    # Signing out ends the provider's session too (RP-initiated logout).
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_url(f"{provider.issuer}/**")
    page.locator("button[name=logout]").click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == "/login/", page.url
    assert AuthEvent.objects.filter(
        kind=AuthEventKind.LOGOUT, user=identity.user
    ).exists()
    page.get_by_role("link", name=f"Logg inn med {PROVIDER_NAME}").click()
    page.wait_for_load_state()
    assert page.locator("input[name=login]").is_visible()  # asked again


def test_sign_in_with_pushed_authorization_requests(page, use_provider, provider):
    use_provider(par=True)
    to_authorize = []
    page.on(
        "request",
        lambda request: (
            request.url.startswith(f"{provider.issuer}/auth")
            and to_authorize.append(request.url)
        ),
    )
    sign_in_at_provider(page, "godkjenner")

    assert urlsplit(page.url).path == "/", page.url
    # The browser carried only a reference to the pushed request.
    query = dict(parse_qsl(urlsplit(to_authorize[0]).query))
    assert set(query) == {"client_id", "request_uri"}
    assert query["request_uri"].startswith("urn:ietf:params:oauth:request_uri:")
    user = ExternalIdentity.objects.get(subject="godkjenner").user
    assert user_roles(user) == {Role.APPROVER.value}


def test_sign_in_with_a_client_secret(page, use_provider, provider, settings):
    """Providers that issue no key (or a first setup) use a secret instead."""
    use_provider("tracker-secret")
    settings.OIDC_PRIVATE_KEY_FILE = ""
    settings.OIDC_CLIENT_SECRET = provider.CLIENT_SECRET
    sign_in_at_provider(page, "raad")

    assert urlsplit(page.url).path == "/", page.url
    user = ExternalIdentity.objects.get(subject="raad").user
    assert user_roles(user) == {Role.COUNCIL_MEMBER.value}


def test_roles_from_the_provider_are_refreshed_at_each_sign_in(
    page, new_page, use_provider, settings
):
    use_provider()
    sign_in_at_provider(page, "flere")
    user = ExternalIdentity.objects.get(subject="flere").user
    assert user_roles(user) == {Role.COUNCIL_MEMBER.value, Role.APPROVER.value}
    # The map no longer grants the approver role; an administrator has given
    # the secretariat role in the app meanwhile: that one stays.
    settings.OIDC_ROLE_MAP = {"grp-rad": Role.COUNCIL_MEMBER.value}
    user.groups.add(role_group(Role.SECRETARIAT))
    sign_in_at_provider(new_page(), "flere")
    user = User.objects.get(pk=user.pk)
    assert user_roles(user) == {Role.COUNCIL_MEMBER.value, Role.SECRETARIAT.value}
    assert AuthEvent.objects.filter(
        kind=AuthEventKind.ROLES_CHANGED, user=user, detail="- Godkjenner"
    ).exists()


def test_a_new_account_without_a_role_is_told_so(page, use_provider):
    use_provider()
    sign_in_at_provider(page, "nykommer")

    assert "har ingen rolle" in refusal(page)
    assert ExternalIdentity.objects.filter(subject="nykommer").exists()
    assert not page.get_by_role("button", name="Logg ut").count()


def test_a_disabled_account_is_refused(page, use_provider):
    use_provider()
    sign_in_at_provider(page, "sekretaer")
    User.objects.filter(external_identities__subject="sekretaer").update(
        is_active=False
    )
    page.context.clear_cookies()
    sign_in_at_provider(page, "sekretaer")

    assert "er sperret" in refusal(page)


def _tamper(page, provider, name: str, value: str) -> None:
    """Change one parameter of the provider's answer on its way to the tracker.

    The provider answers the login form with a chain of redirects ending at
    the tracker's callback; Playwright sees only a chain's first request, so
    the chain is followed here (sharing the browser's cookies) and its last
    redirect is rewritten before the browser follows it."""

    def handle(route):
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location", "")
        while location.startswith(("/", provider.issuer)):
            url = provider.issuer + location if location.startswith("/") else location
            response = page.context.request.get(url, max_redirects=0)
            location = response.headers.get("location", "")
        if "/login/oidc/callback/" in location:
            parts = urlsplit(location)
            query = dict(parse_qsl(parts.query))
            query[name] = value
            location = urlunsplit(parts._replace(query=urlencode(query)))
        headers = dict(response.headers)
        if location:
            headers["location"] = location
        route.fulfill(response=response, headers=headers)

    page.route(f"{provider.issuer}/interaction/**", handle)


def test_a_tampered_state_is_refused(page, use_provider):
    _tamper(page, use_provider(), "state", "forged-state")
    sign_in_at_provider(page, "sekretaer")

    assert "kunne ikke bekreftes" in refusal(page)
    assert not ExternalIdentity.objects.filter(subject="sekretaer").exists()
    assert AuthEvent.objects.filter(
        kind=AuthEventKind.LOGIN_FAILED, detail__startswith="oidc state_mismatch"
    ).exists()


def test_a_code_the_provider_does_not_know_is_refused(page, use_provider):
    _tamper(page, use_provider(), "code", "a-code-that-expired-long-ago")
    sign_in_at_provider(page, "sekretaer")

    assert "tok for lang tid eller var allerede brukt" in refusal(page)


def test_an_id_token_for_another_audience_is_refused(page, use_provider):
    use_provider("tracker-wrong-aud")
    sign_in_at_provider(page, "sekretaer")

    assert "var ment for et annet program" in refusal(page)
    assert not ExternalIdentity.objects.exists()


def test_an_expired_id_token_is_refused(page, use_provider):
    use_provider("tracker-expired")
    sign_in_at_provider(page, "sekretaer")

    assert "var utløpt" in refusal(page)
    assert not ExternalIdentity.objects.exists()


def test_new_signing_keys_at_the_provider_are_fetched(page, new_page, use_provider):
    provider = use_provider()
    sign_in_at_provider(page, "raad")
    provider.restart()  # a new signing key, at the same issuer
    second = new_page()
    sign_in_at_provider(second, "raad")

    assert urlsplit(second.url).path == "/", second.url


def test_the_local_form_is_hidden_when_only_the_provider_is_allowed(
    page, use_provider, settings, check_accessibility
):
    use_provider()
    settings.OIDC_ONLY = True
    page.goto("/login/")

    assert page.get_by_role("link", name=f"Logg inn med {PROVIDER_NAME}").is_visible()
    assert not page.get_by_label("Passord").count()
    check_accessibility("sign-in-oidc-only")
