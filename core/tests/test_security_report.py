"""The security report: lockout bursts and key misuse, by the command and by
the beat job, to the log."""

import datetime as dt
import logging
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from core.models import AuthEvent, AuthEventKind
from core.tasks import security_report_task

pytestmark = pytest.mark.django_db


def report(hours="24") -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("security_report", "--hours", hours, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code), out.getvalue()
    return 0, out.getvalue()


def events(kind, n, **fields):
    AuthEvent.objects.bulk_create(AuthEvent(kind=kind, **fields) for _ in range(n))


def test_a_quiet_period_has_nothing_to_report():
    events(AuthEventKind.LOGIN, 3, username="kari", address="192.0.2.1")
    assert report() == (0, report()[1])
    assert "nothing to report" in report()[1]


def test_lockout_bursts_and_key_misuse_are_reported(settings):
    settings.LOGIN_MAX_FAILURES_USER = 5
    events(AuthEventKind.LOGIN_FAILED, 4, username="kari", address="192.0.2.1")
    events(AuthEventKind.LOCKED_OUT, 1, username="kari", address="192.0.2.1")
    events(AuthEventKind.LOGIN_FAILED, 2, username="ola", address="192.0.2.2")
    events(AuthEventKind.API_KEY_FAILED, 7, address="198.51.100.9")
    events(AuthEventKind.API_KEY_REVOKED, 2, username="ssb", address="198.51.100.7")
    events(AuthEventKind.AUTH_THROTTLED, 1, address="198.51.100.9")
    code, text = report()
    assert code == 1
    assert "5 failed or locked logins for username kari" in text
    assert "ola" not in text  # 2 failures: no burst
    assert "7 refused or revoked API key uses by address 198.51.100.9" in text
    assert "2 refused or revoked API key uses by key ssb" in text
    assert "throttled failed authentication from address 198.51.100.9" in text


def test_old_events_are_outside_the_period():
    events(AuthEventKind.API_KEY_REVOKED, 3, username="ssb")
    AuthEvent.objects.update(at=timezone.now() - dt.timedelta(days=2))
    assert "nothing to report" in report()[1]


def test_keys_about_to_expire_are_a_reminder(real_strategy):
    from core.models import ApiKey
    from tests.api_helpers import create_key

    create_key("--name", "ssb", "--role", "Integrasjon", "--days", "10")
    create_key("--name", "lang", "--role", "Integrasjon")
    code, text = report()
    assert code == 0  # a reminder, not an alarm
    assert "API key ssb" in text and "rotate it" in text and "lang" not in text
    ApiKey.objects.filter(name="lang").update(owner=None)
    code, text = report()
    assert code == 1 and "lang" in text and "has no owner" in text


def test_the_beat_job_logs_the_report_hourly(caplog):
    assert any(
        entry["task"] == "core.security_report"
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
    )
    caplog.set_level(logging.INFO, logger="core.tasks")
    events(AuthEventKind.API_KEY_REVOKED, 1, username="ssb", address="198.51.100.7")
    assert security_report_task.delay(hours=1).get() is True
    (record,) = [r for r in caplog.records if r.name == "core.tasks"]
    assert record.levelno == logging.WARNING
    assert "key ssb" in record.getMessage()
