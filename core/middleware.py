import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.middleware import (
    SessionMiddleware as DjangoSessionMiddleware,
)
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy

from . import oidc
from . import second_factor as factors
from .api_errors import error_body
from .htmx import is_htmx
from .inputs import ADDRESS_CONTROLS, pairs_with_controls

logger = logging.getLogger(__name__)
SERVICE_UNAVAILABLE = gettext_lazy(
    "The service is temporarily unavailable. Please try again in a moment."
)


class ChosenLanguageMiddleware:
    """Norwegian bokmål unless the user chose another language with the switch.

    Replaces Django's LocaleMiddleware, which would follow the browser's
    Accept-Language header: a council member's English-language browser must
    still get the Norwegian service by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


def _policy() -> str:
    """The Content-Security-Policy. Logging out of the OpenID Connect
    provider is a form (logout) whose answer redirects there, which
    form-action must allow."""
    directives = dict(settings.CONTENT_SECURITY_POLICY)
    if oidc.enabled():
        directives["form-action"] = [*directives["form-action"], oidc.issuer_origin()]
    return "; ".join(
        f"{directive} {' '.join(sources)}" for directive, sources in directives.items()
    )


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response.

    No inline script anywhere (charts read their data from JSON elements), no
    external origin. Plotly sets inline styles on the elements it draws, hence
    'unsafe-inline' for styles only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", _policy())
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user or a
    request with credentials (API keys): pages, API answers, exports and
    attachments must stay out of shared and browser caches.

    The user is read after the response, once the view has resolved it; a
    server error is left alone (resolving the user reads the session, which
    during a database outage would turn the clear 503 into a 500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 500:
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response


DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request) -> HttpResponse:
    """The 503 of a database outage: JSON for the API, a clear page otherwise."""
    logger.error("Database unavailable")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(503, str(SERVICE_UNAVAILABLE)), status=503)
    else:
        response = HttpResponse(
            render_to_string("503.html"), status=503, content_type="text/html"
        )
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """A database outage answers 503 with a clear page, never a stack trace.

    This covers the views; an outage met by a middleware (the session, the
    user, the second factor) reaches ``core.views.server_error``, which
    answers the same 503.
    Connections are health-checked before reuse (CONN_HEALTH_CHECKS), so once
    the database is back the next request succeeds without a restart.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        return database_unavailable(request)


SESSION_TOUCHED = "_touched"


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, with a sliding idle timeout that writes at most once a minute.

    A signed-in session is saved again (its expiry and cookie pushed
    SESSION_COOKIE_AGE ahead) when SESSION_REFRESH_SECONDS have passed since it
    was last saved, instead of on every request (SESSION_SAVE_EVERY_REQUEST):
    a council member paging through dashboards no longer costs a database
    write per page, and the idle timeout is exact to within that interval.

    On a server error the session is left alone: Django skips saving on 5xx
    but still reads the session's expiry first, which queries the database;
    during a database outage that turned the clear 503 page into a 500.
    """

    def process_response(self, request, response):
        if response.status_code >= 500:
            return response
        session = getattr(request, "session", None)
        if session is not None and session.accessed and SESSION_KEY in session:
            now = int(time.time())
            touched = session.get(SESSION_TOUCHED, 0)
            if now - touched >= settings.SESSION_REFRESH_SECONDS:
                session[SESSION_TOUCHED] = now
        return super().process_response(request, response)


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session has expired sends the whole page to login.

    The browser follows a 302 inside the XMLHttpRequest, so htmx would swap the
    login page into the widget. For an htmx request the redirect to the login
    page becomes an HX-Redirect header instead: htmx then loads the login page
    as a page, with the page the user was on (not the fragment) as `next`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_htmx(request) or response.status_code != 302:
            return response
        login_path = urlsplit(resolve_url(settings.LOGIN_URL)).path
        if urlsplit(response["Location"]).path != login_path:
            return response
        login = redirect_to_login(self._page_of(request))
        answer = HttpResponse(status=200)
        answer["HX-Redirect"] = login["Location"]
        return answer

    @staticmethod
    def _page_of(request) -> str:
        """The page htmx was on (path and query), if it is on this site; else /."""
        current = request.headers.get("HX-Current-URL", "")
        try:
            page = urlsplit(current)
        except ValueError:  # a malformed header, e.g. "http://[::1"
            return "/"
        ours = page.netloc and url_has_allowed_host_and_scheme(
            current, allowed_hosts={request.get_host()}
        )
        if not ours:
            return "/"
        return page.path + (f"?{page.query}" if page.query else "")


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ControlCharacterRefused(BadRequest):
    """A 400 whose message is meant for the user (see ``core.views``)."""


class ControlCharacterMiddleware:
    """A request whose address, query, cookies or form fields carry a control
    character (NUL above all) is a 400, before anything reaches a query.

    See ``core.inputs``: PostgreSQL refuses NUL in any query, which made such
    requests 500s. Uploaded files are left alone (they are binary); JSON
    bodies are checked by the API's parser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            raise ControlCharacterRefused(problem)
        return self.get_response(request)

    @staticmethod
    def problem(request) -> str:
        if ADDRESS_CONTROLS.search(request.path_info):
            return str(CONTROL_IN_ADDRESS)
        if (name := pairs_with_controls(_pairs(request.GET))) is not None:
            return str(CONTROL_IN_FIELD) % {"name": name}
        if pairs_with_controls(request.COOKIES.items()) is not None:
            return str(CONTROL_IN_COOKIE)
        form = request.method == "POST" and request.content_type in FORM_TYPES
        if form and (name := pairs_with_controls(_pairs(request.POST))) is not None:
            return str(CONTROL_IN_FIELD) % {"name": name}
        return ""


def _pairs(query):
    """Every (name, value) of a QueryDict, repeated names included."""
    return ((name, value) for name, values in query.lists() for value in values)


CONTROL_IN_ADDRESS = gettext_lazy(
    "The address contains a control character (such as NUL); check the link."
)
CONTROL_IN_FIELD = gettext_lazy(
    "“%(name)s” contains a control character (such as NUL); remove it and try again."
)
CONTROL_IN_COOKIE = gettext_lazy(
    "A cookie of this site contains a control character; delete the site's "
    "cookies and log in again."
)


SESSION_STARTED = "_started"


class AccountPolicyMiddleware:
    """A session's absolute lifetime, and a password change an admin required.

    However active, a session ends SESSION_ABSOLUTE_SECONDS after sign-in (the
    sign-in stamps it; a session from before the stamp existed is stamped when
    first seen). A person whose password an administrator marked for change is
    sent to the password page before any other page. Each time the reason is
    said on the page the person lands on.
    """

    # Pages a person who must change the password may still reach: the second
    # factor comes first (SecondFactorMiddleware sends everyone owing it
    # there; sending them on to the password page would go round in a loop).
    OPEN_URL_NAMES = (
        "password_change",
        "logout",
        "set_language",
        "second_factor_verify",
        "second_factor_passkey",
        "second_factor",
        "second_factor_app",
        "second_factor_app_confirm",
        "second_factor_recovery_codes",
        "second_factor_passkey_options",
        "second_factor_passkey_register",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            answer = self._session_ended(request) or self._password_due(request)
            if answer is not None:
                return answer
        return self.get_response(request)

    @staticmethod
    def _session_ended(request):
        now = int(time.time())
        started = request.session.setdefault(SESSION_STARTED, now)
        if now - started <= settings.SESSION_ABSOLUTE_SECONDS:
            return None
        logout(request)
        messages.info(
            request,
            gettext_lazy(
                "You were signed out because your session reached its maximum "
                "length. Please sign in again."
            ),
        )
        return redirect_to_login(request.get_full_path())

    def _password_due(self, request):
        if not request.user.password_change_required:
            return None
        if request.path.startswith(("/api/", settings.STATIC_URL)):
            return None
        match = request.resolver_match or _resolve_quietly(request.path_info)
        if match is not None and match.url_name in self.OPEN_URL_NAMES:
            return None
        messages.warning(
            request,
            gettext_lazy(
                "An administrator has asked you to choose a new password "
                "before you continue."
            ),
        )
        return redirect("password_change")


def _resolve_quietly(path: str):
    try:
        return resolve(path)
    except Resolver404:
        return None


# Where an account owing its second factor may still go.
SECOND_FACTOR_OPEN = (
    "/login/",
    "/logout/",
    "/account/second-factor/",
    "/static/",
    "/i18n/",
    "/healthz",
)


class SecondFactorMiddleware:
    """A local account with a second factor uses it before any page; one that
    must have a factor (MFA_REQUIRED and its role) enrols one first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(SECOND_FACTOR_OPEN)
            and not user.is_verified()
            and not factors.signed_in_through_provider(request)
        ):
            owed = factors.owed(request)
            if owed:
                where = "second_factor_verify" if owed == "verify" else "second_factor"
                return redirect_to_login(request.get_full_path(), resolve_url(where))
        return self.get_response(request)
