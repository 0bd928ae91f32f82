""" "My tasks": what waits for a person, the same items as their messages."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from councils.models import Decision
from councils.services import follow_up_add
from notifications.services import notifications_sweep
from strategy.models import Goal
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MeetingFactory,
    OrganisationFactory,
)

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


def _more_of_everything(n: int) -> None:
    decision = Decision.objects.get()
    goal = Goal.objects.first()
    for i in range(n):
        owner = OrganisationFactory(contact_emails=[f"o{i}@example.no"])
        IndicatorFactory(code=f"MER-{i}", owner=owner, goal=goal)
        IndicatorValueFactory(
            indicator=IndicatorFactory(code=f"VENTER-{i}", goal=goal),
            period_start=dt.date(2020 + i % 5, 1, 1),
        )
        follow_up_add(
            decision=decision,
            description=f"Tiltak {i}",
            responsible=owner,
            due_date=timezone.localdate() + dt.timedelta(days=1),
        )
        MeetingFactory(date=timezone.localdate() + dt.timedelta(days=3 + i % 20))


@pytest.mark.parametrize("extra", [0, 12])
def test_my_tasks_costs_the_same_number_of_queries_whatever_the_data(
    client, secretariat, django_assert_max_num_queries, extra
):
    notification_world()
    _more_of_everything(extra)
    client.force_login(secretariat)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("notifications:my_tasks"))
    assert response.status_code == 200
