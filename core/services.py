import datetime as dt
import hashlib
import secrets
from collections.abc import Collection, Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from .api import KEY_PREFIX, api_key_hash
from .models import (
    ApiKey,
    AuthEvent,
    AuthEventKind,
    ExternalIdentity,
    HealthPing,
    User,
)
from .roles import Role, roles_from_claim


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
API_KEY_USER_PREFIX = "api:"


@transaction.atomic
def api_key_create(
    *,
    name: str,
    role: Role,
    owner: User,
    scopes: list[str],
    known_scopes: Collection[str],
    lifetime: dt.timedelta | None = None,
) -> tuple[ApiKey, str]:
    """Create a key acting as its own user with one role; returns the raw key once.

    ``owner`` is the person answerable for it (an active account of a person,
    not a key's). ``known_scopes`` are the codes a scope may name; the app that
    owns them gives them (``indicators.selectors.scope_codes``): core knows no
    domain. The key expires after ``lifetime`` (``API_KEY_LIFETIME_DAYS``).
    """
    name = name.strip()
    if not name:
        raise ApiKeyError("Give the key a name.")
    if role not in API_KEY_ROLES:
        allowed = ", ".join(r.value for r in API_KEY_ROLES)
        raise ApiKeyError(f"Role {role!r} cannot hold an API key (use {allowed}).")
    if ApiKey.objects.filter(name=name).exists():
        raise ApiKeyError(f"An API key named {name!r} already exists.")
    _check_owner(owner)
    scopes = api_key_scopes_check(scopes, known_scopes)
    username = f"{API_KEY_USER_PREFIX}{name}"[:150]
    if User.objects.filter(username=username).exists():
        raise ApiKeyError(f"The user {username!r} already exists.")
    user = User.objects.create_user(username=username)  # no password: keys only
    user.groups.set([role_group(role)])
    return _key_issue(
        name=name, user=user, owner=owner, scopes=scopes, lifetime=lifetime
    )


def _key_issue(
    *,
    name: str,
    user: User,
    owner: User,
    scopes: list[str],
    lifetime: dt.timedelta | None,
) -> tuple[ApiKey, str]:
    secret = secrets.token_urlsafe(32)
    raw_key = f"{KEY_PREFIX}{secret}"
    lifetime = lifetime or dt.timedelta(days=settings.API_KEY_LIFETIME_DAYS)
    key = ApiKey.objects.create(
        name=name,
        user=user,
        owner=owner,
        prefix=raw_key[: len(KEY_PREFIX) + 6],
        key_hash=api_key_hash(raw_key),
        scopes=scopes,
        expires_at=timezone.now() + lifetime,
    )
    return key, raw_key


@transaction.atomic
def api_key_rotate(
    *, name: str, grace: dt.timedelta | None = None
) -> tuple[ApiKey, str, ApiKey]:
    """A new key for the current key of this name (same user, owner, role and
    scopes, a full lifetime); the old one stays valid for ``grace``
    (``API_KEY_ROTATION_GRACE_DAYS``) so the integration can switch over.

    Returns the new key, its raw value (shown once) and the old key.
    """
    # Two rotations at once would otherwise both replace the same key.
    old = (
        ApiKey.objects.select_for_update(of=("self",))
        .filter(name=name, replaced_at__isnull=True)
        .select_related("owner")
        .first()
    )
    if old is None:
        raise ApiKeyError(f"No current API key named {name!r}.")
    if old.revoked_at is not None:
        raise ApiKeyError(f"The API key {name!r} is revoked; create a new one.")
    if old.owner is None:
        raise ApiKeyError(f"The API key {name!r} has no owner; name one first.")
    _check_owner(old.owner)
    now = timezone.now()
    grace = (
        grace
        if grace is not None
        else dt.timedelta(days=settings.API_KEY_ROTATION_GRACE_DAYS)
    )
    old.replaced_at = now
    old.expires_at = min(old.expires_at, now + grace)
    old.save(update_fields=["replaced_at", "expires_at"])
    new, raw_key = _key_issue(
        name=old.name, user=old.user, owner=old.owner, scopes=old.scopes, lifetime=None
    )
    return new, raw_key, old


def api_key_revoke(*, name: str) -> list[ApiKey]:
    """Revoke every key of this name (the current one and one still in its
    rotation grace); final, and revoking twice keeps the first time."""
    keys = list(ApiKey.objects.filter(name=name).order_by("pk"))
    if not keys:
        raise ApiKeyError(f"No API key named {name!r}.")
    now = timezone.now()
    for key in keys:
        if key.revoked_at is None:
            key.revoked_at = now
            key.save(update_fields=["revoked_at"])
    return keys


def api_key_owner_valid(owner: User | None) -> str:
    """Why this account cannot own an API key, or "" when it can."""
    if owner is None:
        return "Name the key's owner: the person answerable for it."
    if not owner.is_active:
        return f"The owner {owner.get_username()!r} is not an active account."
    if owner.get_username().startswith(API_KEY_USER_PREFIX) or owner.api_keys.exists():
        return f"The owner {owner.get_username()!r} is an API key, not a person."
    return ""


def _check_owner(owner: User) -> None:
    if problem := api_key_owner_valid(owner):
        raise ApiKeyError(problem)


def api_key_scopes_check(scopes: object, known_scopes: Collection[str]) -> list[str]:
    """The scopes, sorted and unique, if they are a list of known codes;
    ApiKeyError otherwise (the admin form and the commands alike)."""
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise ApiKeyError("Scopes are a list of goal or indicator codes.")
    unknown = sorted(set(scopes) - set(known_scopes))
    if unknown:
        raise ApiKeyError(
            f"Unknown scope {', '.join(unknown)}: use goal codes (M1…) or "
            "indicator codes."
        )
    return sorted(set(scopes))


def password_changed(*, user: User, address: str | None) -> None:
    """After a person chose a new password: the admin's demand is met, and
    the change is a security event."""
    if user.password_change_required:
        user.password_change_required = False
        user.save(update_fields=["password_change_required"])
    AuthEvent.objects.create(
        kind=AuthEventKind.PASSWORD_CHANGED,
        user=user,
        username=user.get_username(),
        address=address,
    )


def password_change_require(*, users: Iterable[User], by: User) -> int:
    """An administrator asks these people to choose a new password before
    they go on; each demand is a security event naming the administrator."""
    chosen = list(users)
    User.objects.filter(pk__in=[user.pk for user in chosen]).update(
        password_change_required=True
    )
    AuthEvent.objects.bulk_create(
        AuthEvent(
            kind=AuthEventKind.PASSWORD_CHANGE_REQUIRED,
            user=user,
            username=user.get_username(),
            detail=f"by {by.get_username()}"[:300],
        )
        for user in chosen
    )
    return len(chosen)


def external_sign_in(*, issuer: str, claims: dict) -> User:
    """The account of the person the provider vouches for, created at the
    first sign-in, with the roles the claims grant brought up to date.

    Linked by (issuer, sub) only. A new account has no role unless
    ``OIDC_ROLE_MAP`` grants one; each role added or taken away is a
    ``roles_changed`` security event (``core.signals``).
    """
    subject = str(claims["sub"])
    try:
        with transaction.atomic():
            identity = _external_identity(issuer, subject, claims)
    except IntegrityError:
        # Two first sign-ins of one person at once: the other one linked it.
        with transaction.atomic():
            identity = _external_identity(issuer, subject, claims)
    return identity.user


def _external_identity(issuer: str, subject: str, claims: dict) -> ExternalIdentity:
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is None:
        user = User(username=_free_username(issuer, subject, claims))
        user.set_unusable_password()
        _copy_profile(user, claims)
        user.save()
        identity = ExternalIdentity.objects.create(
            user=user, issuer=issuer, subject=subject
        )
    else:
        _copy_profile(identity.user, claims)
        identity.user.save(update_fields=["first_name", "last_name", "email"])
    granted = roles_from_claim(
        claims.get(settings.OIDC_ROLES_CLAIM), settings.OIDC_ROLE_MAP
    )
    _roles_bring_up_to_date(identity.user, set(identity.provider_roles), granted)
    identity.provider_roles = sorted(granted)
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["provider_roles", "last_login_at"])
    return identity


def _roles_bring_up_to_date(user: User, before: set[str], granted: set[str]) -> None:
    """Add what the claims grant; take away what they granted before and no
    longer do. Roles granted in the app are left alone."""
    held = set(user.groups.values_list("name", flat=True))
    added = [role_group(Role(name)) for name in sorted(granted - held)]
    removed = [role_group(Role(name)) for name in sorted((before - granted) & held)]
    if added:
        user.groups.add(*added)
    if removed:
        user.groups.remove(*removed)


def _copy_profile(user: User, claims: dict) -> None:
    user.first_name = str(claims.get("given_name") or "")[:150]
    user.last_name = str(claims.get("family_name") or "")[:150]
    user.email = str(claims.get("email") or "")[:254]


def _free_username(issuer: str, subject: str, claims: dict) -> str:
    """A readable username not taken yet; never someone else's account."""
    wanted = str(
        claims.get("preferred_username") or claims.get("email") or subject
    ).strip()[:120]
    if wanted and not User.objects.filter(username__iexact=wanted).exists():
        return wanted
    digest = hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()[:12]
    return f"{wanted[:120] or 'oidc'}-{digest}"
