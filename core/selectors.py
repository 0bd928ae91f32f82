"""Reads about the running system itself."""

from collections.abc import Iterable
from typing import TypedDict

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.utils import DatabaseError
from kombu import Connection

from .models import ApiKey, User
from .postgresql.base import database_deadline
from .roles import COUNCIL_MEMBERSHIP, Role


class ComponentStatus(TypedDict):
    ok: bool
    detail: str


# /healthz answers within a few seconds when the database does not: the check
# of a reused connection and a new connect wait this long each, at most.
HEALTH_DATABASE_SECONDS = 2


def database_status() -> ComponentStatus:
    try:
        with database_deadline(HEALTH_DATABASE_SECONDS), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "detail": exc.__class__.__name__}
    return {"ok": True, "detail": connection.vendor}


def cache_status() -> ComponentStatus:
    """Whether the shared cache (login counts, throttling) answers; its socket
    timeouts keep a hung one from holding the probe up."""
    try:
        cache.get("healthz-probe")
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return {"ok": False, "detail": exc.__class__.__name__}
    return {"ok": True, "detail": cache.__class__.__name__}


def broker_status() -> ComponentStatus:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "detail": "eager (tasks run in-process)"}
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=2,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return {"ok": False, "detail": exc.__class__.__name__}
    return {"ok": True, "detail": "reachable"}


def persons_behind(user_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """The people behind each account, for four eyes: a person's account is
    that person; an API key's account is the key's account and its owner's.

    Two accounts belong to one person when their sets meet: a person and the
    keys they own, or two keys of one owner. One query.
    """
    ids = set(user_ids)
    owners: dict[int, set[int]] = {pk: set() for pk in ids}
    keys = ApiKey.objects.filter(user_id__in=ids, owner__isnull=False)
    for user_id, owner_id in keys.values_list("user_id", "owner_id"):
        owners[user_id].add(owner_id)
    return {pk: frozenset({pk, *owners[pk]}) for pk in ids}


def membership_candidates() -> QuerySet[User]:
    """Accounts a council membership may name as its login: active people who
    already hold a role of ``COUNCIL_MEMBERSHIP``; never an administrator,
    never an API key. The secretariat adds members; it grants no roles."""
    admins = Q(is_superuser=True) | Q(groups__name=Role.ADMINISTRATOR.value)
    return (
        User.objects.filter(
            is_active=True,
            groups__name__in=[role.value for role in COUNCIL_MEMBERSHIP],
            api_keys__isnull=True,
        )
        .exclude(pk__in=User.objects.filter(admins).values("pk"))
        .distinct()
        .order_by("username")
    )


def people_active() -> QuerySet[User]:
    """Active people's accounts (never an API key's), by name."""
    return (
        User.objects.filter(is_active=True, api_keys__isnull=True)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def person_role_names(person: User) -> list[str]:
    """The role names a person holds, read from their (prefetched) groups;
    a superuser holds the Administrator role."""
    names = [group.name for group in person.groups.all()]
    if person.is_superuser and Role.ADMINISTRATOR.value not in names:
        names.append(Role.ADMINISTRATOR.value)
    return names
