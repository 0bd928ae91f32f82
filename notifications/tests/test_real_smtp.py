"""Issue 17's notification test against the real things: an SMTP server on
loopback (aiosmtpd), a real Celery worker, and the job beat schedules."""

import datetime as dt
import socket
import threading
import time
import uuid
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.utils import timezone, translation

from config.celery import app as celery_app
from core.models import HealthPing
from councils.models import Decision
from councils.services import follow_up_add
from notifications.models import Kind, SentNotification, SentStatus

from .scenario import notification_world


class Inbox:
    """aiosmtpd handler: keeps each delivered message."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos[0], str(message["Subject"])))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_start(inbox: Inbox, port: int) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def beat_job(name: str = "notifications-sweep") -> None:
    """Queue what beat queues for this schedule entry."""
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    celery_app.send_task(entry["task"], **entry.get("options", {}))


def worker_idle(worker, seconds=60) -> None:
    """Every task queued before has run: a ping queued after it has (one
    solo worker takes one task at a time, in order)."""
    token = uuid.uuid4().hex
    celery_app.send_task("core.health_ping", args=[token])
    wait_until(lambda: HealthPing.objects.filter(token=token).exists(), worker, seconds)


def wait_until(condition, worker, seconds=60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.poll() is None, "the worker stopped"
        time.sleep(0.25)
    pytest.fail(f"not within {seconds} s")


def kinds_of(messages) -> set:
    with translation.override("nb"):
        labels = {str(k.label): k.value for k in Kind}
    return {
        (to, labels[subject.removeprefix("[e-helsestrategi] ")])
        for to, subject in messages
    }


@pytest.mark.real_services
def test_beat_job_sends_each_message_once_and_waits_out_a_stopped_smtp_server(
    real_workers, tmp_path
):
    world = notification_world()
    inbox, port = Inbox(), free_port()
    smtp = smtp_start(inbox, port)
    worker = real_workers(
        env={
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "EMAIL_TIMEOUT": "3",
            "SITE_URL": "https://tracker.example.no",
        },
        args=["--loglevel=INFO"],
        output=(tmp_path / "worker.log").open("wb"),
    )
    try:
        # An overdue value, waiting values, a due follow-up, a frozen pack.
        beat_job()
        wait_until(lambda: len(inbox.messages) >= len(world.expected), worker)
        worker_idle(worker)
        assert kinds_of(inbox.messages) == world.expected
        assert len(inbox.messages) == len(world.expected)

        # The second run sends nothing.
        beat_job()
        worker_idle(worker)
        assert len(inbox.messages) == len(world.expected)

        # The SMTP server stops: a new reminder waits, and is not lost.
        smtp.stop(no_assert=True)
        follow_up_add(
            decision=Decision.objects.get(),
            description="Ny frist",
            assignee=world.assignee,
            due_date=timezone.localdate() + dt.timedelta(days=1),
        )
        beat_job()
        waiting = SentNotification.objects.filter(
            status=SentStatus.PENDING, recipient="ansvarlig@ks.example"
        )
        wait_until(lambda: waiting.filter(attempts__gte=1).exists(), worker)
        assert waiting.count() == 1
        assert len(inbox.messages) == len(world.expected)

        smtp = smtp_start(inbox, port)
        beat_job()
        wait_until(lambda: len(inbox.messages) > len(world.expected), worker)
        worker_idle(worker)
        assert inbox.messages[len(world.expected) :] == [
            ("ansvarlig@ks.example", "[e-helsestrategi] Et oppfølgingstiltak har frist")
        ]
        assert not SentNotification.objects.filter(status=SentStatus.PENDING).exists()
    except BaseException:
        print((tmp_path / "worker.log").read_text()[-8000:])
        raise
    finally:
        smtp.stop(no_assert=True)
