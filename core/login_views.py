"""The login page, sign-in through the OpenID Connect provider, and logout.

The protocol is in ``core.oidc``, the account and its roles in
``core.services.external_sign_in``; these views only carry the browser
between them and say clearly, in Norwegian first, what went wrong.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import oidc
from .forms import LockoutAuthenticationForm
from .models import AuthEvent, AuthEventKind
from .roles import user_roles
from .second_factor import OIDC_SESSION_KEY
from .security import client_address
from .services import external_sign_in

PENDING = "oidc_pending"
ID_TOKEN = OIDC_SESSION_KEY
NEXT = "oidc_next"


def _failure_messages() -> dict[str, str]:
    return {
        oidc.OidcError.PROVIDER_DOWN: _(
            "The sign-in service cannot be reached right now. Try again in a "
            "few minutes; if it persists, contact the secretariat."
        ),
        oidc.OidcError.PROVIDER_REFUSED: _(
            "The sign-in service did not let you sign in. Try again, or "
            "contact the secretariat."
        ),
        oidc.OidcError.STATE_MISMATCH: _(
            "The sign-in could not be verified: it was not started in this "
            "browser, or it was changed on the way. Start again from this page."
        ),
        oidc.OidcError.EXPIRED_CODE: _(
            "The sign-in took too long or was already used. Start again from this page."
        ),
        oidc.OidcError.WRONG_AUDIENCE: _(
            "The sign-in service's answer was meant for another application, "
            "so it was refused. Contact the secretariat."
        ),
        oidc.OidcError.TOKEN_EXPIRED: _(
            "The sign-in service's answer had expired, so it was refused. Start "
            "again; if it persists, contact the secretariat."
        ),
        oidc.OidcError.INVALID_TOKEN: _(
            "The sign-in service's answer could not be verified, so it was "
            "refused. Contact the secretariat."
        ),
    }


class LoginView(auth_views.LoginView):
    """The provider first, the local form second (or not at all)."""

    authentication_form = LockoutAuthenticationForm

    def post(self, request, *args, **kwargs):
        if _local_form_hidden():
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["oidc_enabled"] = oidc.enabled()
        ctx["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
        ctx["local_form"] = not _local_form_hidden()
        return ctx


def _local_form_hidden() -> bool:
    return oidc.enabled() and settings.OIDC_ONLY


@never_cache
@require_GET
def oidc_start(request):
    """Send the browser to the provider."""
    if not oidc.enabled():
        raise Http404
    redirect_uri = request.build_absolute_uri(reverse("oidc_callback"))
    try:
        url, pending = oidc.authorization_start(redirect_uri=redirect_uri)
    except oidc.OidcError as error:
        return _refused(request, error.code, detail=error.detail)
    request.session[PENDING] = pending
    wanted = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    request.session[NEXT] = wanted if safe else ""
    return redirect(url)


@never_cache
@require_GET
def oidc_callback(request):
    """The provider's answer: check it, then sign the person in."""
    if not oidc.enabled():
        raise Http404
    pending = request.session.pop(PENDING, None)  # a state is used once
    try:
        sign_in = oidc.authorization_finish(pending=pending, params=request.GET)
    except oidc.OidcError as error:
        return _refused(request, error.code, detail=error.detail)
    user = external_sign_in(issuer=sign_in.issuer, claims=sign_in.claims)
    if not user.is_active:
        return _refused(
            request,
            "account_disabled",
            username=user.get_username(),
            message=_("Your account is disabled. Contact the secretariat."),
        )
    if not user_roles(user):
        return _refused(
            request,
            "no_role",
            username=user.get_username(),
            message=_(
                "Your account (%(username)s) has been created, but it has no "
                "role in the tracker yet. Ask an administrator to give you one, "
                "then sign in again."
            )
            % {"username": user.get_username()},
        )
    next_url = request.session.pop(NEXT, "") or settings.LOGIN_REDIRECT_URL
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[ID_TOKEN] = sign_in.id_token
    return redirect(next_url)


def _refused(request, code, *, detail="", username="", message=""):
    AuthEvent.objects.create(
        kind=AuthEventKind.LOGIN_FAILED,
        username=username[:150],
        address=client_address(request),
        detail=f"oidc {code}: {detail}"[:300],
    )
    messages.error(request, message or _failure_messages()[code])
    return redirect("login")


@require_POST
def sign_out(request):
    """Log out here, then at the provider when the person signed in there."""
    id_token = request.session.get(ID_TOKEN)
    logout(request)
    if id_token and oidc.enabled():
        url = oidc.logout_url(
            id_token=id_token,
            post_logout_redirect_uri=request.build_absolute_uri(reverse("login")),
        )
        if url:
            return redirect(url)
    return redirect(settings.LOGOUT_REDIRECT_URL)
