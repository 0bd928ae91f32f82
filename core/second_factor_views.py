"""Pages of the second factor: using one after the password, and enrolling
or renewing one (``core.second_factor`` holds the rules)."""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import second_factor as factors
from .forms import LOCKED_MESSAGE
from .models import AuthEvent, AuthEventKind, PasskeyDevice
from .security import client_address, login_attempt_refund, login_attempt_reserve

MAX_CREDENTIAL_BYTES = 64 * 1024


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(settings.LOGIN_REDIRECT_URL)


def _attempt(request) -> tuple[str, str | None, bool]:
    """Count a second-factor attempt before it is checked. Its own username
    key: a new password login must not wipe the count of wrong codes."""
    key = f"second-factor:{request.user.get_username()}"
    address = client_address(request)
    return key, address, login_attempt_reserve(key, address)


def _failed(request, detail: str) -> None:
    AuthEvent.objects.create(
        kind=AuthEventKind.LOGIN_FAILED,
        user=request.user,
        username=request.user.get_username(),
        address=client_address(request),
        detail=f"second factor: {detail}",
    )


def _locked(request) -> None:
    AuthEvent.objects.create(
        kind=AuthEventKind.LOCKED_OUT,
        user=request.user,
        username=request.user.get_username(),
        address=client_address(request),
        detail="second factor",
    )


@never_cache
@login_required
def verify(request):
    """After the password: a code from the app, a recovery code or a passkey."""
    if request.user.is_verified() or not factors.has_factor(request.user):
        return redirect(_next_url(request))
    error = ""
    if request.method == "POST":
        key, address, allowed = _attempt(request)
        if not allowed:
            _locked(request)
            minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
            error = LOCKED_MESSAGE % {"minutes": minutes}
        else:
            device = factors.code_match(
                user=request.user, code=request.POST.get("code", "")
            )
            if device is not None:
                login_attempt_refund(key, address)
                django_otp.login(request, device)
                return redirect(_next_url(request))
            _failed(request, "wrong code")
            error = _("The code is wrong or already used. Try again.")
    ctx = {
        "error": error,
        "next": _next_url(request),
        "has_passkey": PasskeyDevice.objects.filter(
            user=request.user, confirmed=True
        ).exists(),
    }
    return render(request, "registration/second_factor_verify.html", ctx)


@never_cache
@require_POST
@login_required
def passkey_options(request):
    """Options for the browser: to enrol a passkey, or to use one."""
    if request.POST.get("purpose") == "register":
        if not _may_manage(request):
            return HttpResponseBadRequest()
        body = factors.passkey_registration_options(request)
    else:
        body = factors.passkey_authentication_options(request)
    return HttpResponse(body, content_type="application/json")


@never_cache
@require_POST
@login_required
def passkey_verify(request):
    """The browser's answer to the challenge: a passkey used to sign in."""
    credential = request.POST.get("credential", "")
    if not credential or len(credential) > MAX_CREDENTIAL_BYTES:
        return JsonResponse({"error": _("No passkey answer was sent.")}, status=400)
    key, address, allowed = _attempt(request)
    if not allowed:
        _locked(request)
        minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
        return JsonResponse(
            {"error": LOCKED_MESSAGE % {"minutes": minutes}}, status=429
        )
    device = factors.passkey_verify(request, credential=credential)
    if device is None:
        _failed(request, "passkey refused")
        return JsonResponse({"error": _("The passkey was not accepted.")}, status=400)
    login_attempt_refund(key, address)
    django_otp.login(request, device)
    return JsonResponse({"redirect": _next_url(request)})


def _may_manage(request) -> bool:
    """Enrolling is for a session that has used its factor, or that has none
    yet (the first one); never for a session still owing its second factor."""
    return request.user.is_verified() or not factors.has_factor(request.user)


@never_cache
@login_required
def manage(request):
    """The person's own factors: enrol an app or a passkey, renew codes."""
    if not _may_manage(request):
        return redirect(f"{reverse('second_factor_verify')}?next={request.path}")
    ctx = {
        "factors": factors.factors_of(request.user),
        "recovery_left": factors.recovery_codes_left(request.user),
        "must_enrol": factors.must_enrol(request.user),
        "pending_app": TOTPDevice.objects.filter(
            user=request.user, confirmed=False
        ).first(),
        "new_codes": request.session.pop("new_recovery_codes", None),
        "next": _next_url(request),
    }
    if ctx["pending_app"]:
        ctx["app_qr"] = _qr_svg(ctx["pending_app"].config_url)
        ctx["app_secret"] = _secret_text(ctx["pending_app"])
    return render(request, "registration/second_factor.html", ctx)


def _qr_svg(uri: str) -> str:
    import segno

    return segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code"))


def _secret_text(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_POST
@login_required
def app_start(request):
    if not _may_manage(request):
        return redirect("second_factor_verify")
    factors.totp_start(user=request.user)
    return redirect("second_factor")


@require_POST
@login_required
def app_confirm(request):
    if not _may_manage(request):
        return redirect("second_factor_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        return redirect("second_factor")
    if not factors.totp_confirm(device=device, code=request.POST.get("code", "")):
        messages.error(request, _("The code does not match. Try the newest code."))
        return redirect("second_factor")
    _enrolled(request, device)
    messages.success(request, _("The authenticator app is set up."))
    return redirect("second_factor")


def _enrolled(request, device) -> None:
    """A first factor also gets recovery codes, and counts as used now."""
    django_otp.login(request, device)
    if not factors.recovery_codes_left(request.user):
        request.session["new_recovery_codes"] = factors.recovery_codes_renew(
            user=request.user
        )


@require_POST
@login_required
def recovery_codes(request):
    if not factors.has_factor(request.user):
        return redirect("second_factor")  # codes come with a first factor
    if not request.user.is_verified():
        return redirect("second_factor_verify")
    request.session["new_recovery_codes"] = factors.recovery_codes_renew(
        user=request.user
    )
    return redirect("second_factor")


@never_cache
@require_POST
@login_required
def passkey_register(request):
    if not _may_manage(request):
        return JsonResponse({"error": _("Use your second factor first.")}, status=403)
    credential = request.POST.get("credential", "")
    if not credential or len(credential) > MAX_CREDENTIAL_BYTES:
        return JsonResponse({"error": _("No passkey answer was sent.")}, status=400)
    device = factors.passkey_register(
        request, credential=credential, name=request.POST.get("name", "")
    )
    if device is None:
        return JsonResponse(
            {"error": _("The passkey could not be set up.")}, status=400
        )
    _enrolled(request, device)
    messages.success(request, _("The passkey is set up."))
    return JsonResponse({"redirect": reverse("second_factor")})
