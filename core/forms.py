from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import AuthEvent, AuthEventKind
from .security import client_address, login_attempt_refund, login_attempt_reserve

LOCKED_MESSAGE = _(
    "Too many failed logins. Wait %(minutes)d minutes and try again, or contact "
    "the secretariat."
)


class LockoutMixin(AuthenticationForm):
    """Refuse to log in while the username or the address is locked out.

    The attempt is counted before the password is checked (``core.security``),
    so parallel attempts cannot check more passwords than the limit; a
    successful one is given back.
    """

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if not login_attempt_reserve(username, address):
            AuthEvent.objects.create(
                kind=AuthEventKind.LOCKED_OUT, username=username[:150], address=address
            )
            raise ValidationError(
                LOCKED_MESSAGE,
                code="locked",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        cleaned = super().clean()
        login_attempt_refund(username, address)
        return cleaned


class LockoutAuthenticationForm(LockoutMixin, AuthenticationForm):
    pass


class LockoutAdminAuthenticationForm(LockoutMixin, AdminAuthenticationForm):
    pass
