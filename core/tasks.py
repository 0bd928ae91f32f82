import socket

from celery import shared_task

from .services import health_ping_record


@shared_task(name="core.health_ping")
def health_ping_task(token: str) -> None:
    """Write a HealthPing row: proves that a worker picked up and ran a task."""
    health_ping_record(token=token, worker=socket.gethostname())
