"""Reads about the running system itself."""

from typing import TypedDict

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from kombu import Connection

from .postgresql.base import database_deadline


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
