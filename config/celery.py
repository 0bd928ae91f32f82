"""The Celery application; tasks live in each app's ``tasks.py``."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def database_limits_for_the_worker(**kwargs) -> None:
    """Tasks get WORKER_DATABASE_STATEMENT_TIMEOUT, not the web's shorter limit.

    Sent in the worker's main process before its pool starts, so the solo
    pool and every forked child connect with it.
    """
    from django.conf import settings
    from django.db import connections

    for connection in connections.all():
        if "STATEMENT_TIMEOUT" in connection.settings_dict:
            limit = settings.WORKER_DATABASE_STATEMENT_TIMEOUT
            connection.settings_dict["STATEMENT_TIMEOUT"] = limit
            connection.close()
