"""Login lockout, client address behind one proxy, security log, headers."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from core.models import AuthEvent
from core.roles import Role
from core.security import address_bucket, client_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def login(client, username, password, **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, **headers
    )


def test_login_and_logout_are_logged_with_the_address(client):
    user = UserFactory(username="kari", roles=[Role.COUNCIL_MEMBER])
    assert login(client, "kari", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    kinds = list(AuthEvent.objects.order_by("at", "pk").values_list("kind", "user"))
    assert ("login", user.pk) in kinds and ("logout", user.pk) in kinds
    assert AuthEvent.objects.filter(kind="login").get().address == "127.0.0.1"


def test_failed_login_is_logged_without_the_password(client):
    UserFactory(username="kari")
    login(client, "kari", "wrong-password-123")
    event = AuthEvent.objects.get(kind="login_failed")
    assert event.username == "kari"
    assert "wrong" not in event.detail


def test_username_is_locked_after_repeated_failures(client, settings):
    settings.LOGIN_MAX_FAILURES_USER = 3
    UserFactory(username="kari", roles=[Role.COUNCIL_MEMBER])
    for _ in range(3):
        assert login(client, "kari", "wrong-password-123").status_code == 200
    # Even the right password is refused while locked.
    response = login(client, "kari", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "For mange mislykkede" in html or "Too many failed logins" in html
    assert AuthEvent.objects.filter(kind="locked_out").exists()


def test_address_is_locked_across_usernames(client, settings):
    settings.LOGIN_MAX_FAILURES_ADDRESS = 3
    UserFactory(username="ola", roles=[Role.COUNCIL_MEMBER])
    for name in ("a", "b", "c"):
        login(client, name, "wrong-password-123")
    login(client, "ola", PASSWORD)
    assert "_auth_user_id" not in client.session


def test_spoofed_forwarded_for_does_not_escape_the_address_lockout(client, settings):
    """Behind one proxy, only the address the proxy appended counts."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_MAX_FAILURES_ADDRESS = 3
    UserFactory(username="ola", roles=[Role.COUNCIL_MEMBER])
    for n, name in enumerate(("a", "b", "c")):
        login(
            client,
            name,
            "wrong-password-123",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7",
        )
    response = login(
        client, "ola", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7"
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_successful_login_resets_the_username_counter(client, settings):
    settings.LOGIN_MAX_FAILURES_USER = 3
    UserFactory(username="kari", roles=[Role.COUNCIL_MEMBER])
    login(client, "kari", "wrong-password-123")
    login(client, "kari", "wrong-password-123")
    assert login(client, "kari", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    login(client, "kari", "wrong-password-123")
    login(client, "kari", "wrong-password-123")
    assert login(client, "kari", PASSWORD).status_code == 302


def test_admin_login_obeys_the_lockout(client, settings):
    settings.LOGIN_MAX_FAILURES_USER = 2
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(2):
        client.post(url, {"username": "boss", "password": "wrong-password-123"})
    client.post(url, {"username": "boss", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.9.9.9", "192.0.2.1"),
        (1, "10.0.0.2", "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        (1, "10.0.0.2", "not-an-ip", None),
        (2, "10.0.0.2", "198.51.100.1, 203.0.113.5", "198.51.100.1"),
        (1, "10.0.0.2", "198.51.100.1, 10.4.0.1:1234", "10.4.0.1"),
        (1, "10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
        (1, "10.0.0.2", "[2001:db8::1", "2001:db8::1"),
        (1, "10.0.0.2", "10.4.0.1:x:y", None),
    ],
)
def test_client_address(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_address(request) == expected


def test_role_changes_are_logged_from_either_side():
    user = UserFactory(username="per")
    group = Group.objects.get(name="Godkjenner")
    user.groups.add(group)
    group.user_set.remove(user)
    details = list(
        AuthEvent.objects.filter(kind="roles_changed", user=user)
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == ["+ Godkjenner", "- Godkjenner"]


def test_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp  # no external origin
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_pages_carry_no_inline_script(client, real_strategy, council_member):
    client.force_login(council_member)
    for url in (reverse("strategy:overview"), reverse("login")):
        html = client.get(url).content.decode()
        for tag in html.split("<script")[1:]:
            head = tag.split(">", 1)[0]
            assert "src=" in head or 'type="application/json"' in head, head


def test_short_password_is_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("kort1234")
    with pytest.raises(ValidationError):
        validate_password("qwertyuiop123")  # long enough, but common
    validate_password("Lang-og-uvanlig-frase-2026")


@pytest.mark.parametrize(
    ("current_url", "next_url"),
    [
        ("http://testserver/roadmap/?goal=1", "/roadmap/%3Fgoal%3D1"),
        ("https://evil.example/steal", "/"),
        ("", "/"),
        ("http://[::1", "/"),  # malformed: no 500
        ("/roadmap/", "/"),  # not a full URL, as htmx always sends
    ],
)
def test_an_expired_session_sends_an_htmx_widget_to_login_as_a_whole_page(
    client, current_url, next_url
):
    response = client.get(
        reverse("initiatives:roadmap_deliveries"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=current_url,
    )
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == f"/login/?next={next_url}"


def test_a_plain_request_to_a_widget_still_redirects_to_login(client):
    response = client.get(reverse("initiatives:roadmap_deliveries"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/roadmap/deliveries/")
    assert "HX-Redirect" not in response


def test_a_signed_in_session_slides_but_is_written_at_most_once_a_minute(
    client, monkeypatch
):
    from django.contrib.sessions.models import Session

    from core import middleware

    clock = [1_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])
    user = UserFactory(roles=[Role.COUNCIL_MEMBER])
    client.force_login(user)
    url = reverse("strategy:overview")
    client.get(url)  # the first request after login stamps the session

    def expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    first = expiry()
    clock[0] += 30
    response = client.get(url)
    assert response.status_code == 200 and expiry() == first  # not written again
    assert settings.SESSION_COOKIE_NAME not in response.cookies

    clock[0] += 31  # a minute since the last write: the idle timeout slides
    response = client.get(url)
    assert expiry() > first
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_an_anonymous_request_creates_no_session(client):
    from django.contrib.sessions.models import Session

    client.get(reverse("login"))
    client.get(reverse("healthz"))
    assert not Session.objects.exists()


def fail_from(client, username: str, forwarded: str):
    return login(client, username, "wrong-password-123", HTTP_X_FORWARDED_FOR=forwarded)


@pytest.mark.parametrize(
    "forwarded",
    [
        ["10.4.0.1:1234", "10.4.0.1:1235", "10.4.0.1:1236", "10.4.0.1:9"],
        ["not-an-ip", "also not", "[oops", "x"],  # counted together, not skipped
        ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2::3", "2001:db8:1:2::99"],
    ],
    ids=["address-with-port", "unreadable", "ipv6-per-64"],
)
def test_the_address_rule_holds_for_ports_unreadable_entries_and_ipv6_networks(
    client, settings, forwarded
):
    """The outside test: "10.4.0.1:1234" skipped the address rule, and 22
    addresses of one IPv6 /64 were 22 addresses."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_MAX_FAILURES_ADDRESS = 3
    UserFactory(username="ola", roles=[Role.COUNCIL_MEMBER])
    for n, hop in enumerate(forwarded[:3]):
        fail_from(client, f"user{n}", hop)
    response = login(client, "ola", PASSWORD, HTTP_X_FORWARDED_FOR=forwarded[3])
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuthEvent.objects.filter(kind="locked_out").exists()


@pytest.mark.parametrize(
    ("address", "bucket"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        (None, "unknown"),
    ],
)
def test_address_buckets(address, bucket):
    assert address_bucket(address) == bucket


def test_a_successful_login_gives_its_address_count_back(client, settings):
    """Counting before the password is checked must not lock out an office
    whose people all log in through one proxy."""
    settings.LOGIN_MAX_FAILURES_ADDRESS = 3
    for n in range(5):
        UserFactory(username=f"kollega{n}", roles=[Role.COUNCIL_MEMBER])
        assert login(client, f"kollega{n}", PASSWORD).status_code == 302
        client.post(reverse("logout"))


def test_parallel_attempts_cannot_check_more_passwords_than_the_limit(
    client, settings, monkeypatch
):
    """Each attempt is counted before its password is checked. (The threaded
    race itself, against PostgreSQL, is in tests/test_parallel_limits.py.)"""
    from django.contrib.auth.backends import ModelBackend

    from core.security import login_attempt_reserve

    settings.LOGIN_MAX_FAILURES_USER = 5
    allowed = [login_attempt_reserve("kari", "192.0.2.9") for _ in range(24)]
    assert allowed == [True] * 5 + [False] * 19
    checked = []
    original = ModelBackend.authenticate

    def counting(self, request, **kwargs):
        checked.append(kwargs.get("username"))
        return original(self, request, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", counting)
    login(client, "kari", "wrong-password-123")
    assert checked == []  # locked: no password is checked
