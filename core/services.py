import secrets
from collections.abc import Collection

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from .api import KEY_PREFIX, api_key_hash
from .models import ApiKey, HealthPing, User
from .roles import Role


def role_group(role: Role) -> Group:
    """The auth group of a role. The migration creates them; a database flushed
    since (transactional tests, a restored dump) gets them back here."""
    return Group.objects.get_or_create(name=role.value)[0]


def health_ping_record(*, token: str, worker: str) -> HealthPing:
    """Record that a task ran; a repeated token changes nothing (idempotent)."""
    ping, _created = HealthPing.objects.get_or_create(
        token=token, defaults={"worker": worker}
    )
    return ping


DEMO_USERNAMES = {
    Role.COUNCIL_MEMBER: "radsmedlem",
    Role.SECRETARIAT: "sekretariat",
    Role.APPROVER: "godkjenner",
    Role.INTEGRATION: "integrasjon",
    Role.ADMINISTRATOR: "administrator",
}


@transaction.atomic
def demo_users_reset() -> list[tuple[Role, str, str]]:
    """Give each role one demo login with a fresh random password.

    Returns (role, username, password) triples; the passwords are not stored
    anywhere but in their hashes.
    """
    logins = []
    for role, username in DEMO_USERNAMES.items():
        user, _created = User.objects.get_or_create(username=username)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        is_admin = role == Role.ADMINISTRATOR
        user.is_staff = is_admin
        user.is_superuser = is_admin
        user.save()
        user.groups.set([role_group(role)])
        logins.append((role, username, password))
    return logins


class ApiKeyError(ValueError):
    """The key cannot be created or revoked as asked; nothing was written."""


API_KEY_ROLES = (Role.INTEGRATION, Role.SECRETARIAT, Role.APPROVER)


@transaction.atomic
def api_key_create(
    *, name: str, role: Role, scopes: list[str], known_scopes: Collection[str]
) -> tuple[ApiKey, str]:
    """Create a key acting as its own user with one role; returns the raw key once.

    ``known_scopes`` are the codes a scope may name; the app that owns them
    gives them (``indicators.selectors.scope_codes``): core knows no domain.
    """
    name = name.strip()
    if not name:
        raise ApiKeyError("Give the key a name.")
    if role not in API_KEY_ROLES:
        allowed = ", ".join(r.value for r in API_KEY_ROLES)
        raise ApiKeyError(f"Role {role!r} cannot hold an API key (use {allowed}).")
    if ApiKey.objects.filter(name=name).exists():
        raise ApiKeyError(f"An API key named {name!r} already exists.")
    _check_scopes(scopes, known_scopes)
    username = f"api:{name}"[:150]
    if User.objects.filter(username=username).exists():
        raise ApiKeyError(f"The user {username!r} already exists.")
    user = User.objects.create_user(username=username)  # no password: keys only
    user.groups.set([role_group(role)])
    secret = secrets.token_urlsafe(32)
    raw_key = f"{KEY_PREFIX}{secret}"
    key = ApiKey.objects.create(
        name=name,
        user=user,
        prefix=raw_key[: len(KEY_PREFIX) + 6],
        key_hash=api_key_hash(raw_key),
        scopes=sorted(set(scopes)),
    )
    return key, raw_key


def api_key_revoke(*, name: str) -> ApiKey:
    """Revoke a key; revoking twice keeps the first revocation time."""
    key = ApiKey.objects.filter(name=name).first()
    if key is None:
        raise ApiKeyError(f"No API key named {name!r}.")
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def _check_scopes(scopes: list[str], known_scopes: Collection[str]) -> None:
    unknown = sorted(set(scopes) - set(known_scopes))
    if unknown:
        raise ApiKeyError(
            f"Unknown scope {', '.join(unknown)}: use goal codes (M1…) or "
            "indicator codes."
        )
