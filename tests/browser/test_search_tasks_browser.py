"""Issue 17: the header's search finds an indicator by a word of its Norwegian
name and a decision by a word of its text; "my tasks" lists what the
notifications announced."""

import pytest
from django.core import mail

from councils.models import Meeting
from councils.services import agenda_item_add, decision_record
from notifications.services import notifications_sweep
from notifications.tests.scenario import notification_world
from tests.browser.helpers import axe_check

pytestmark = pytest.mark.django_db(transaction=True)


def log_in_as(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill("a-long-test-password")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def search_from_header(page, words: str) -> None:
    box = page.get_by_role("search").first.get_by_role("searchbox")
    box.fill(words)
    box.press("Enter")
    page.wait_for_load_state()


def test_search_and_my_tasks(page, transactional_db):
    world = notification_world()
    meeting = Meeting.objects.get()
    item = agenda_item_add(meeting=meeting, title="Legemidler", kind="beslutning")
    decision_record(
        agenda_item=item,
        text="NUIT anbefaler pasientens legemiddelliste i alle kommuner.",
        decided_on=meeting.date,
    )
    notifications_sweep()
    approver = world.approvers[0]
    log_in_as(page, approver.username)

    search_from_header(page, "e-resepter")
    indicators = page.get_by_role("region", name="Indikatorer")
    assert indicators.get_by_role("link", name="NHN-1 Andel e-resepter").count() == 1
    axe_check(page, "search-results")

    search_from_header(page, "legemiddelliste")
    decisions = page.get_by_role("region", name="Vedtak")
    assert decisions.get_by_text("pasientens legemiddelliste").count() == 1

    page.get_by_role("link", name="Mine oppgaver").click()
    page.wait_for_load_state()
    told = [m for m in mail.outbox if m.to == [approver.email]]
    lines = [
        line[2:]
        for message in told
        for line in message.body.split("-- English --")[0].splitlines()
        if line.startswith("- ")
    ]
    assert lines
    for line in lines:
        assert page.get_by_role("link", name=line).count() == 1, line
    axe_check(page, "my-tasks")
