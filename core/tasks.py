import datetime as dt
import logging
import socket

from celery import shared_task
from django.utils import timezone

from .audit_chain import audit_seal
from .security_report import report_lines, security_report
from .services import health_ping_record

logger = logging.getLogger(__name__)


@shared_task(name="core.health_ping")
def health_ping_task(token: str) -> None:
    """Write a HealthPing row: proves that a worker picked up and ran a task."""
    health_ping_record(token=token, worker=socket.gethostname())


@shared_task(name="core.security_report", ignore_result=True)
def security_report_task(hours: float = 1.0) -> bool:
    """Log the security report of the last ``hours`` (beat runs it hourly):
    a warning when something calls for a look. Returns whether it did."""
    until = timezone.now()
    report = security_report(since=until - dt.timedelta(hours=hours), until=until)
    level = logging.WARNING if report.alarming or report.keys_expiring else logging.INFO
    logger.log(level, "\n".join(report_lines(report)))
    return report.alarming


@shared_task(name="core.audit_seal", ignore_result=True)
def audit_seal_task() -> int:
    """Seal settled history rows and security events into their hash chains
    (beat, every minute); idempotent. Returns how many rows it sealed."""
    return sum(audit_seal().values())
