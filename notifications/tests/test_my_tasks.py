""" "My tasks": what waits for a person, the same items as their messages."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.services import notifications_sweep

from .scenario import notification_world

pytestmark = pytest.mark.django_db


def test_my_tasks_lists_what_the_notifications_announced(client):
    world = notification_world()
    notifications_sweep()
    for person in (*world.approvers, world.assignee, world.member):
        client.force_login(person)
        page = client.get(reverse("notifications:my_tasks")).content.decode()
        told = [m for m in mail.outbox if m.to == [person.email]]
        assert told, person
        for message in told:
            norwegian = message.body.split("-- English --")[0]
            for line in norwegian.splitlines():
                if line.startswith("- "):
                    assert line[2:].replace("&", "&amp;") in page, (person, line)


def test_the_secretariat_sees_every_value_due_and_the_meetings_to_prepare(
    client, secretariat
):
    notification_world()
    client.force_login(secretariat)
    page = client.get(reverse("notifications:my_tasks")).content.decode()
    assert "NHN-1" in page
    assert "venter på godkjenning" not in page  # the approvers' task
    assert "Lever utredning" in page


def test_a_person_with_nothing_to_do_is_told_so(client, council_member):
    client.force_login(council_member)
    page = client.get(reverse("notifications:my_tasks"))
    assert page.status_code == 200
