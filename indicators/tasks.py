"""Every Celery task of the indicators app: thin, taking ids, idempotent.

Recomputes are idempotent (a snapshot is written only when its inputs
fingerprint changes), so a task that runs twice, or is redelivered after a
worker died (``acks_late`` with ``reject_on_worker_lost``), changes nothing
the second time. Only transient database errors are retried, with backoff.
"""

import datetime as dt
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import translation

from strategy.selectors import goals_behind_indicator_ids
from strategy.services import progress_recompute

from .imports import (
    import_check,
    import_commit,
    import_delivery_count,
    import_failed,
    import_language,
)
from .models import Indicator
from .snapshots import indicators_needing_recompute

logger = logging.getLogger(__name__)

# Indicators per recompute task: keeps one task well inside its time limit
# while each task still reads its indicators in a fixed number of queries.
CHUNK_SIZE = 500

RELIABLE = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    # A lost connection, a deadlock or a serialization failure: try again.
    # Anything else is a bug that retrying would only repeat.
    "autoretry_for": (OperationalError, InterfaceError),
    "max_retries": 5,
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "soft_time_limit": 240,
    "time_limit": 300,
}


@shared_task(name="indicators.progress_recompute", **RELIABLE)
def progress_recompute_task(indicator_ids: list[int], as_of: str | None = None) -> None:
    """Recompute progress snapshots for the given indicators (and their goals).

    ``as_of`` is an ISO date; without it, today when the task runs.
    """
    progress_recompute(
        indicator_ids=indicator_ids,
        as_of=dt.date.fromisoformat(as_of) if as_of else None,
    )


@shared_task(name="indicators.progress_sweep", **RELIABLE)
def progress_sweep_task() -> int:
    """Recompute indicators whose inputs are newer than their newest snapshot,
    and those of goals whose roll-up is older than their indicators' snapshots.

    Catches up whatever a broker outage kept from being queued, or a Redis
    restart lost. Returns how many indicators it queued.
    """
    stale = {*indicators_needing_recompute(), *goals_behind_indicator_ids()}
    return _enqueue_in_chunks(sorted(stale))


@shared_task(name="indicators.progress_recompute_all", **RELIABLE)
def progress_recompute_all_task() -> int:
    """The nightly full recompute: every indicator, as of the day it runs."""
    return _enqueue_in_chunks(
        list(Indicator.objects.order_by("pk").values_list("pk", flat=True))
    )


def _enqueue_in_chunks(ids: list[int]) -> int:
    for start in range(0, len(ids), CHUNK_SIZE):
        progress_recompute_task.delay(ids[start : start + CHUNK_SIZE])
    return len(ids)


@shared_task(name="indicators.value_import_check")
def value_import_check_task(job_id: int) -> None:
    """Dry-run an uploaded import file."""
    _import_step(import_check, job_id)


@shared_task(name="indicators.value_import_commit")
def value_import_commit_task(job_id: int) -> None:
    """Commit a checked import file, all or nothing."""
    _import_step(import_commit, job_id)


def _import_step(step, job_id: int) -> None:
    # The report's reasons in the uploader's language, not the worker's.
    with translation.override(import_language(job_id=job_id)):
        if not import_delivery_count(job_id=job_id):
            return  # given up after repeated worker deaths: acknowledged for good
        try:
            step(job_id=job_id)
        except Exception:
            # Leave no job spinning for ever: the page shows it failed.
            logger.exception("Import %s failed", job_id)
            import_failed(job_id=job_id)
            raise
