"""REST API v1 of the councils: meetings with their agenda, decisions."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from councils.services import agenda_item_add, decision_record, follow_up_add
from tests.api_helpers import assert_error, client_with, create_key
from tests.factories import (
    CouncilFactory,
    IndicatorFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def api(council_member):
    client = APIClient()
    client.force_authenticate(council_member)
    return client


def meeting_with_decisions(council=None, decisions=1, date=dt.date(2026, 3, 12)):
    meeting = MeetingFactory(council=council or CouncilFactory(), date=date)
    for n in range(decisions):
        item = agenda_item_add(
            meeting=meeting,
            title=f"Sak {n}",
            kind="beslutning",
            indicators=[IndicatorFactory()],
        )
        decision_record(agenda_item=item, text=f"Vedtak {n}", decided_on=date)
    return meeting


def test_meetings_list_newest_first_and_filters(api):
    nuit = CouncilFactory(slug="nuit")
    old = MeetingFactory(council=nuit, date=dt.date(2025, 1, 1))
    new = MeetingFactory(date=dt.date(2026, 1, 1))
    body = api.get(f"{API}/meetings/").json()
    assert [m["id"] for m in body["results"]] == [new.pk, old.pk]
    assert set(body["results"][0]) == {
        "id",
        "council",
        "date",
        "title",
        "place",
        "status",
    }
    assert api.get(f"{API}/meetings/", {"council": "nuit"}).json()["count"] == 1
    since = api.get(f"{API}/meetings/", {"date_from": "2025-06-01"}).json()
    assert [m["id"] for m in since["results"]] == [new.pk]


@pytest.mark.parametrize("params", [{"date_from": "soon"}, {"status": "cancelled"}])
def test_meetings_bad_filter_is_400(api, params):
    assert_error(api.get(f"{API}/meetings/", params), 400, "invalid")


def test_meeting_detail_has_agenda_and_decisions(api):
    meeting = meeting_with_decisions(decisions=2)
    body = api.get(f"{API}/meetings/{meeting.pk}/").json()
    assert body["id"] == meeting.pk
    items = body["agenda_items"]
    assert [i["case_number"] for i in items] == ["1/26", "2/26"]
    assert items[0]["decisions"][0]["text"] == "Vedtak 0"
    assert items[0]["decisions"][0]["decided_on"] == "2026-03-12"
    assert len(items[0]["indicators"]) == 1


def test_a_follow_up_owned_by_a_person_alone_is_served(api):
    meeting = meeting_with_decisions()
    decision = meeting.agenda_items.get().decisions.get()
    follow_up_add(
        decision=decision,
        description="Notat",
        assignee=UserFactory(username="eier"),
        due_date=dt.date(2026, 4, 1),
    )
    body = api.get(f"{API}/meetings/{meeting.pk}/").json()
    action = body["agenda_items"][0]["decisions"][0]["actions"][0]
    assert action == {
        "description": "Notat",
        "responsible": None,
        "assignee": "eier",
        "due_date": "2026-04-01",
        "status": "open",
        "status_note": "",
    }


def test_unknown_meeting_is_404(api):
    assert_error(api.get(f"{API}/meetings/999999/"), 404, "not_found")
    assert_error(api.get(f"{API}/meetings/abc/"), 404, "not_found")


def test_decisions_list_and_filter(api):
    first = meeting_with_decisions(decisions=2, date=dt.date(2025, 5, 1))
    meeting_with_decisions(decisions=1)
    body = api.get(f"{API}/decisions/").json()
    assert body["count"] == 3
    assert body["results"][0]["decided_on"] == "2026-03-12"
    assert set(body["results"][0]) == {
        "id",
        "council",
        "meeting",
        "case_number",
        "agenda_item",
        "text",
        "decided_on",
    }
    mine = api.get(f"{API}/decisions/", {"meeting": first.pk}).json()
    assert {d["meeting"] for d in mine["results"]} == {first.pk}
    assert_error(api.get(f"{API}/decisions/", {"meeting": "x"}), 400, "invalid")


def test_key_reads_and_anonymous_or_revoked_cannot(real_strategy):
    from io import StringIO

    from django.core.management import call_command

    raw = create_key("--name", "reader", "--role", "Integrasjon")
    assert client_with(raw).get(f"{API}/decisions/").status_code == 200
    call_command("revoke_api_key", "--name", "reader", stdout=StringIO())
    assert_error(client_with(raw).get(f"{API}/meetings/"), 401, "not_authenticated")
    assert_error(APIClient().get(f"{API}/meetings/"), 401, "not_authenticated")


def test_user_without_role_is_403(outsider):
    client = APIClient()
    client.force_login(outsider)
    assert_error(client.get(f"{API}/decisions/"), 403, "permission_denied")


def test_wrong_method_is_405(api):
    meeting = MeetingFactory()
    assert_error(api.post(f"{API}/meetings/", {}), 405, "method_not_allowed")
    assert_error(api.delete(f"{API}/meetings/{meeting.pk}/"), 405, "method_not_allowed")
    assert_error(api.post(f"{API}/decisions/", {}), 405, "method_not_allowed")


@pytest.mark.parametrize("decisions", [1, 8])
def test_query_counts_do_not_grow(api, decisions, django_assert_max_num_queries):
    council = CouncilFactory()
    meeting = meeting_with_decisions(council, decisions=decisions)
    for _ in range(decisions):
        MeetingFactory(council=council)
    with django_assert_max_num_queries(3):
        api.get(f"{API}/meetings/")
    with django_assert_max_num_queries(3):
        api.get(f"{API}/decisions/")
    with django_assert_max_num_queries(10):
        api.get(f"{API}/meetings/{meeting.pk}/")
