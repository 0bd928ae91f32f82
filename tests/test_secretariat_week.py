"""Issue 17's "done when": the secretariat's week on a fresh install, in the
app alone: no /admin/ page is requested."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Organisation, User
from core.roles import Role, user_roles
from councils.models import Council, FollowUpAction, Meeting, Membership

pytestmark = pytest.mark.django_db


def post(client, url, data, expect=302):
    assert not url.startswith("/admin/")
    response = client.post(url, data)
    assert response.status_code == expect, response.content.decode()[:2000]
    return response


def test_administrator_and_secretariat_run_a_meeting_to_a_done_follow_up(
    real_strategy, client, administrator, secretariat
):
    # The administrator adds a person with the council member role.
    client.force_login(administrator)
    post(
        client,
        reverse("person_new"),
        {
            "username": "kari.nordmann",
            "first_name": "Kari",
            "last_name": "Nordmann",
            "email": "kari@example.no",
            "role": Role.COUNCIL_MEMBER.value,
            "reason": "Oppnevnt til NUIT",
        },
    )
    kari = User.objects.get(username="kari.nordmann")
    assert user_roles(kari) == {Role.COUNCIL_MEMBER.value}

    # The secretariat adds her to a council: a membership, no new role.
    client.force_login(secretariat)
    council = Council.objects.get(name_nb__startswith="NUIT")
    post(
        client,
        reverse("councils:member_new", args=[council.slug]),
        {"person_name": "", "role": "member", "user": kari.pk},
    )
    membership = Membership.objects.get(council=council, user=kari)
    assert membership.person_name == "Kari Nordmann"
    del kari._role_names
    assert user_roles(kari) == {Role.COUNCIL_MEMBER.value}

    # A meeting, a case, a decision.
    day = timezone.localdate() - dt.timedelta(days=1)
    post(
        client,
        reverse("councils:meeting_new", args=[council.slug]),
        {"date": day.isoformat(), "title": "NUIT-møte", "place": "Oslo"},
    )
    meeting = Meeting.objects.get(council=council, title="NUIT-møte")
    post(
        client,
        reverse("councils:item_new", args=[meeting.pk]),
        {"title": "Prioritering av tiltak", "kind": "beslutning"},
    )
    item = meeting.agenda_items.get()
    post(
        client,
        reverse("councils:decision_new", args=[item.pk]),
        {"text": "NUIT anbefaler tiltaket.", "decided_on": day.isoformat()},
    )
    decision = item.decisions.get()

    # A follow-up owned by a seeded organisation (and Kari).
    hdir = Organisation.objects.get(name="Helsedirektoratet")
    form = client.get(reverse("councils:action_new", args=[decision.pk]))
    assert f'value="{hdir.pk}"' in form.content.decode()
    before = post(
        client,
        reverse("councils:action_new", args=[decision.pk]),
        {
            "description": "Utred kostnader",
            "responsible": hdir.pk,
            "assignee": kari.pk,
            "due_date": (day - dt.timedelta(days=1)).isoformat(),
        },
        expect=400,
    )
    assert not FollowUpAction.objects.exists(), before
    post(
        client,
        reverse("councils:action_new", args=[decision.pk]),
        {
            "description": "Utred kostnader",
            "responsible": hdir.pk,
            "assignee": kari.pk,
            "due_date": (day + dt.timedelta(days=30)).isoformat(),
        },
    )
    action = FollowUpAction.objects.get()

    # Listed on the meeting, the council and the organisation's page.
    for url in (
        reverse("councils:meeting", args=[meeting.pk]),
        reverse("councils:detail", args=[council.slug]),
        reverse("organisation", args=[hdir.pk]),
    ):
        assert "Utred kostnader" in client.get(url).content.decode(), url

    # Marked done, with a note; no longer among the council's open ones.
    post(
        client,
        reverse("councils:action_status", args=[action.pk]),
        {"status": "done", "note": "Notat levert"},
    )
    action.refresh_from_db()
    assert (action.status, action.status_note) == ("done", "Notat levert")
    council_page = client.get(reverse("councils:detail", args=[council.slug]))
    assert "Utred kostnader" not in council_page.content.decode()
