"""Reminders and notices (issue 17): what is due is told once, per choice."""

import socket
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from notifications.models import (
    Kind,
    NotificationPreference,
    SentNotification,
    SentStatus,
)
from notifications.services import notifications_sweep, preferences_set

from .scenario import notification_world

pytestmark = pytest.mark.django_db


def sent_kinds():
    kinds = {k.label: k.value for k in Kind}
    found = set()
    for message in mail.outbox:
        label = message.subject.removeprefix("[e-helsestrategi] ")
        found.add((message.to[0], kinds.get(label, label)))
    return found


def test_a_sweep_sends_each_expected_message_once_and_a_second_sends_nothing():
    world = notification_world()
    notifications_sweep()
    assert sent_kinds() == world.expected
    assert len(mail.outbox) == len(world.expected)
    approval = next(m for m in mail.outbox if m.to == ["godkj1@hdir.example"])
    # Batched: one message lists both waiting values.
    assert "VENT-2023" in approval.body and "VENT-2024" in approval.body
    # Norwegian first, with a link; then English.
    assert approval.body.index("Hei") < approval.body.index("-- English --")
    assert "http://" in approval.body and "/indicators/approvals/" in approval.body
    mail.outbox.clear()
    notifications_sweep()
    assert mail.outbox == []


def test_a_person_may_choose_a_daily_digest_or_off_but_not_for_mandatory_kinds(
    client,
):
    world = notification_world()
    preferences_set(user=world.member, choices={"pack_frozen": "digest"})
    with pytest.raises(ValueError):
        preferences_set(user=world.assignee, choices={"follow_up_due": "off"})
    notifications_sweep()
    assert ("medlem@hso.example", "pack_frozen") not in sent_kinds()
    mail.outbox.clear()
    notifications_sweep(digest=True)
    assert [m.to for m in mail.outbox] == [["medlem@hso.example"]]
    assert "Daglig oppsummering" in mail.outbox[0].subject

    client.force_login(world.assignee)
    url = reverse("notifications:preferences")
    refused = client.post(url, {"follow_up_due": "off"})
    assert refused.status_code == 400
    assert not NotificationPreference.objects.filter(user=world.assignee).exists()


def test_off_records_the_item_as_not_sent(client):
    world = notification_world()
    client.force_login(world.member)
    data = {kind.value: "immediately" for kind in Kind}
    data["pack_frozen"] = "off"
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    notifications_sweep()
    assert ("medlem@hso.example", "pack_frozen") not in sent_kinds()
    row = SentNotification.objects.get(recipient="medlem@hso.example")
    assert row.status == SentStatus.SKIPPED


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_smtp_failure_keeps_the_messages_for_the_next_sweep(settings):
    world = notification_world()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_TIMEOUT = 2
    with pytest.raises(OSError):
        notifications_sweep()
    pending = SentNotification.objects.filter(status=SentStatus.PENDING)
    # Nothing lost: a row per recipient and thing (two values × two approvers),
    # the failed message's counted as tried.
    assert pending.count() == len(world.expected) + 2
    assert pending.filter(attempts=1).count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notifications_sweep()
    assert sent_kinds() == world.expected
    assert not SentNotification.objects.filter(status=SentStatus.PENDING).exists()


def test_send_reminders_dry_run_prints_and_changes_nothing():
    notification_world()
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "data@nhn.example" in text and "nothing was sent" in text
    assert mail.outbox == []
    assert not SentNotification.objects.exists()
    call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == 5


def test_freezing_a_pack_tells_the_members_at_once(
    client, secretariat, django_capture_on_commit_callbacks
):
    world = notification_world()
    mail.outbox.clear()
    client.force_login(secretariat)
    meeting = world.snapshot.meeting
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("councils:pack_freeze", args=[meeting.pk]))
    to_member = [m for m in mail.outbox if m.to == [world.member.email]]
    assert len(to_member) == 1
    assert "/pdf/" in to_member[0].body


def test_administrators_are_told_once_of_an_hour_that_calls_for_a_look(settings):
    """Issue 20: the security report goes to administrators once notifications
    exist; the log alone was read by nobody."""
    import datetime as dt

    from django.utils import timezone

    from core.models import AuthEvent, AuthEventKind
    from core.roles import Role
    from tests.factories import UserFactory

    admin = UserFactory(
        username="sikkerhet", email="admin@hdir.example", roles=[Role.ADMINISTRATOR]
    )
    UserFactory(username="leser", email="leser@hdir.example", roles=[Role.APPROVER])
    last_hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    events = [
        AuthEvent.objects.create(
            kind=AuthEventKind.LOGIN_FAILED, username="kari", address="10.0.0.9"
        )
        for _ in range(settings.LOGIN_MAX_FAILURES_USER)
    ]
    AuthEvent.objects.filter(pk__in=[e.pk for e in events]).update(
        at=last_hour - dt.timedelta(minutes=20)
    )

    notifications_sweep()

    alerts = [m for m in mail.outbox if "sikkerhetsrapporten" in m.body.lower()]
    assert [m.to for m in alerts] == [[admin.email]]
    assert "Utbrudd av låste innlogginger: 1;" in alerts[0].body
    assert "Lockout bursts: 1;" in alerts[0].body
    assert "/admin/core/authevent/" in alerts[0].body
    mail.outbox.clear()
    notifications_sweep()
    assert mail.outbox == []
    # Mandatory: an administrator cannot turn it off.
    with pytest.raises(ValueError):
        preferences_set(user=admin, choices={"security_alert": "off"})


def test_a_quiet_hour_tells_nobody():
    from core.roles import Role
    from tests.factories import UserFactory

    UserFactory(
        username="sikkerhet", email="admin@hdir.example", roles=[Role.ADMINISTRATOR]
    )
    notifications_sweep()
    assert mail.outbox == []
