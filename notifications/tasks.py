import smtplib

from celery import shared_task

from .services import notifications_sweep, pack_frozen_notify

# Transient: the SMTP server is down, refuses for now or the network fails.
# Retried a bounded number of times; the next beat sweep sends what is left.
SMTP_ERRORS = (smtplib.SMTPException, OSError)
RETRIED = {
    "acks_late": True,
    "autoretry_for": SMTP_ERRORS,
    "retry_backoff": 5,
    "max_retries": 3,
}


@shared_task(name="notifications.sweep", **RETRIED)
def notifications_sweep_task() -> int:
    """Record what is due and send what is pending (beat, every five minutes)."""
    return len(notifications_sweep().messages)


@shared_task(name="notifications.digest", **RETRIED)
def notifications_digest_task() -> int:
    """The daily digests, with whatever else is pending (beat, each morning)."""
    return len(notifications_sweep(digest=True).messages)


@shared_task(name="notifications.pack_frozen", **RETRIED)
def pack_frozen_task(snapshot_id: int) -> int:
    """Tell the council's members that a pack is frozen (queued after commit)."""
    return len(pack_frozen_notify(snapshot_id=snapshot_id).messages)
