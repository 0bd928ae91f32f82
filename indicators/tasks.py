"""Celery tasks of the indicators app: thin, taking ids, idempotent."""

import logging

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)


def progress_recompute_enqueue(indicator_ids) -> None:
    """Queue a recompute for these indicators once the current transaction commits.

    If the broker is unreachable the write that called this still succeeds:
    the periodic sweep finds indicators whose inputs are newer than their
    newest snapshot and catches up.
    """
    ids = sorted({int(pk) for pk in indicator_ids})
    if not ids:
        return

    def send() -> None:
        try:
            progress_recompute_task.delay(ids)
        except Exception:  # noqa: BLE001 - any broker failure; the sweep catches up
            logger.warning("Broker unreachable; sweep will recompute %s", ids)

    transaction.on_commit(send)


@shared_task(name="indicators.progress_recompute")
def progress_recompute_task(indicator_ids: list[int]) -> None:
    """Recompute progress snapshots for the given indicators (and their goals)."""
    from .snapshots import progress_recompute

    progress_recompute(indicator_ids=indicator_ids)
