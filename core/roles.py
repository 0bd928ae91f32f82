"""The five roles of the council model's tracker (ARCHITECTURE.md §7).

A role is a Django auth group with the Norwegian name below; the data
migration ``core.0002_create_role_groups`` creates them.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNCIL_MEMBER = "Rådsmedlem", _("Council member")
    SECRETARIAT = "Sekretariat", _("Secretariat")
    APPROVER = "Godkjenner", _("Approver")
    INTEGRATION = "Integrasjon", _("Integration")
    ADMINISTRATOR = "Administrator", _("Administrator")


# Who may read the dashboards and meeting packs in the browser. Integrations
# use the API only.
DASHBOARD_READERS = (
    Role.COUNCIL_MEMBER,
    Role.SECRETARIAT,
    Role.APPROVER,
    Role.ADMINISTRATOR,
)


# Who may do what, for views and the API alike.
EDITORS = (Role.SECRETARIAT,)  # definitions, values, meetings and decisions
APPROVERS = (Role.APPROVER,)  # approve or reject values (never their own)
VALUE_WRITERS = (Role.SECRETARIAT, Role.INTEGRATION)  # values through the API
INITIATIVE_EDITORS = (Role.SECRETARIAT, Role.ADMINISTRATOR)  # initiatives, roadmap
ADMINS = (Role.ADMINISTRATOR,)  # audit trail, access review, people and roles
ORGANISATION_EDITORS = (Role.SECRETARIAT, Role.ADMINISTRATOR)  # organisations
# Who may be linked to a council membership by login: the people who read the
# council's pages. Adding a member grants no role; only an administrator
# grants roles (the admin).
COUNCIL_MEMBERSHIP = (Role.COUNCIL_MEMBER, Role.SECRETARIAT, Role.APPROVER)


def roles_from_claim(value, role_map: dict[str, str]) -> set[str]:
    """The role names a provider's claim grants through ``OIDC_ROLE_MAP``.

    The claim is a string or a list of strings (Entra ID's group ids or app
    roles); values the map does not name grant nothing.
    """
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        return set()
    return {role_map[v] for v in values if isinstance(v, str) and v in role_map}


# Segregation of duties: one person should not hold both roles of a pair (the
# secretariat enters values, the approver approves them). Allowed, but warned
# about when granted and flagged in the access review.
DUTY_CONFLICTS = ((Role.SECRETARIAT, Role.APPROVER),)


def duty_conflicts(role_names) -> list[tuple[str, str]]:
    """The conflicting pairs among the role names a person holds."""
    held = {str(name) for name in role_names}
    return [
        (first.value, second.value)
        for first, second in DUTY_CONFLICTS
        if first.value in held and second.value in held
    ]


def user_roles(user) -> frozenset[str]:
    """The role names the user holds; superusers hold the Administrator role."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {Role.ADMINISTRATOR.value}
        user._role_names = cached
    return cached


def user_has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & {str(role) for role in roles})


def role_required(*roles: str) -> Callable:
    """View decorator: log in first, then 403 unless the user holds a role."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not user_has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
