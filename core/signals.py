"""Security log entries from Django's own auth signals."""

import time

from django.contrib.auth.models import Group
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .middleware import SESSION_STARTED
from .models import AuthEvent, AuthEventKind, User
from .second_factor import second_factor_note
from .security import client_address, login_failures_clear


def _address(request):
    return client_address(request) if request is not None else None


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    login_failures_clear(user.get_username())
    if request is not None and hasattr(request, "session"):
        # The session's absolute lifetime starts now.
        request.session[SESSION_STARTED] = int(time.time())
        second_factor_note(request, user)
    AuthEvent.objects.create(
        kind=AuthEventKind.LOGIN,
        user=user,
        username=user.get_username(),
        address=_address(request),
    )


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        AuthEvent.objects.create(
            kind=AuthEventKind.LOGOUT,
            user=user,
            username=user.get_username(),
            address=_address(request),
        )


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # Counted for the lockout already, before the password was checked.
    username = str(credentials.get("username", ""))[:150]
    AuthEvent.objects.create(
        kind=AuthEventKind.LOGIN_FAILED, username=username, address=_address(request)
    )


@receiver(m2m_changed, sender=User.groups.through)
def on_roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Log role changes made from either side (user.groups or group.user_set)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    verb = {"post_add": "+", "post_remove": "-", "post_clear": "cleared"}[action]
    if reverse:  # changed from the group's side: pk_set holds users
        users = list(User.objects.filter(pk__in=pk_set or []))
        names = [instance.name]
    else:
        users = [instance]
        names = sorted(
            Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True)
        )
    AuthEvent.objects.bulk_create(
        AuthEvent(
            kind=AuthEventKind.ROLES_CHANGED,
            user=user,
            username=user.get_username(),
            detail=f"{verb} {', '.join(names)}".strip()[:300],
        )
        for user in users
    )
