import datetime as dt

import pytest
from django.urls import reverse

from core.roles import Role
from councils.models import AgendaItem, Decision, Meeting
from councils.services import agenda_item_add, decision_record, meeting_status_set
from tests.factories import (
    CouncilFactory,
    IndicatorFactory,
    MeetingFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return CouncilFactory(slug="nuit", name_nb="NUIT (Prioriteringsutvalget)")


@pytest.fixture
def meeting(council):
    return MeetingFactory(council=council, date=dt.date(2026, 3, 12), title="Møte 1")


def test_anonymous_goes_to_login(client, council):
    response = client.get(reverse("councils:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["council_member", "secretariat", "approver"])
def test_readers_see_councils_and_meetings(client, request, persona, meeting):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("councils:list")).status_code == 200
    detail = client.get(reverse("councils:detail", args=["nuit"]))
    assert detail.status_code == 200
    assert "Møte 1" in detail.content.decode()
    assert client.get(reverse("councils:meeting", args=[meeting.pk])).status_code == 200


def test_integration_cannot_use_council_pages(client, integration_user, meeting):
    client.force_login(integration_user)
    assert client.get(reverse("councils:list")).status_code == 403


def test_unknown_council_and_meeting_are_404(client, council_member):
    client.force_login(council_member)
    assert client.get(reverse("councils:detail", args=["nope"])).status_code == 404
    assert client.get(reverse("councils:meeting", args=[999999])).status_code == 404


def test_council_member_cannot_create_meetings(client, council_member, council):
    client.force_login(council_member)
    url = reverse("councils:meeting_new", args=["nuit"])
    assert client.get(url).status_code == 403
    response = client.post(url, {"date": "2026-05-01", "title": "X"})
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_secretariat_creates_a_meeting(client, secretariat, council):
    client.force_login(secretariat)
    url = reverse("councils:meeting_new", args=["nuit"])
    response = client.post(url, {"date": "2026-05-01", "title": "Vårmøte"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("councils:meeting", args=[meeting.pk])
    assert meeting.council == council


def test_invalid_meeting_form_is_400_and_writes_nothing(client, secretariat, council):
    client.force_login(secretariat)
    url = reverse("councils:meeting_new", args=["nuit"])
    response = client.post(url, {"date": "31.02.2026", "title": ""})
    assert response.status_code == 400
    assert not Meeting.objects.exists()
    assert 'aria-invalid="true"' in response.content.decode()


def test_secretariat_adds_a_numbered_case_linked_to_an_indicator(
    client, secretariat, meeting
):
    indicator = IndicatorFactory()
    client.force_login(secretariat)
    url = reverse("councils:item_new", args=[meeting.pk])
    data = {"title": "Status", "kind": "drøfting", "indicators": [indicator.pk]}
    assert client.post(url, data).status_code == 302
    item = AgendaItem.objects.get()
    assert item.case_number == "1/26"
    assert list(item.indicators.all()) == [indicator]
    page = client.get(reverse("councils:meeting", args=[meeting.pk])).content.decode()
    assert "1/26" in page and indicator.code in page


def test_case_links_a_roadmap_delivery(client, secretariat, meeting):
    from tests.factories import DeliveryFactory

    delivery = DeliveryFactory(name="Pasientens legemiddelliste")
    client.force_login(secretariat)
    url = reverse("councils:item_new", args=[meeting.pk])
    data = {"title": "Veikart", "kind": "orientering", "deliveries": [delivery.pk]}
    assert client.post(url, data).status_code == 302
    assert list(AgendaItem.objects.get().deliveries.all()) == [delivery]
    page = client.get(reverse("councils:meeting", args=[meeting.pk])).content.decode()
    assert "Pasientens legemiddelliste" in page


def test_case_on_locked_minutes_is_refused_with_a_message(client, secretariat, meeting):
    meeting_status_set(meeting=meeting, status="minutes_approved")
    client.force_login(secretariat)
    url = reverse("councils:item_new", args=[meeting.pk])
    response = client.post(url, {"title": "Sent", "kind": "orientering"})
    assert response.status_code == 400
    assert "locked" in response.content.decode() or "låst" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_decision_follow_up_and_amendment_flow(client, secretariat, meeting):
    item = agenda_item_add(meeting=meeting, title="Veikart", kind="beslutning")
    client.force_login(secretariat)
    response = client.post(
        reverse("councils:decision_new", args=[item.pk]),
        {"text": "Rådet slutter seg til.", "decided_on": "2026-03-12"},
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    org = OrganisationFactory()
    response = client.post(
        reverse("councils:action_new", args=[decision.pk]),
        {"description": "Følg opp", "responsible": org.pk, "due_date": "2026-06-01"},
    )
    assert response.status_code == 302
    assert decision.actions.count() == 1

    response = client.post(
        reverse("councils:meeting_status", args=[meeting.pk]),
        {"status": "minutes_approved"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("councils:decision_amend", args=[decision.pk]),
        {"text": "Rådet slutter seg til, med endring.", "reason": "Presisering"},
    )
    assert response.status_code == 302
    assert decision.amendments.count() == 1


def test_status_cannot_go_back_and_unknown_status_is_refused(
    client, secretariat, meeting
):
    meeting_status_set(meeting=meeting, status="held")
    client.force_login(secretariat)
    url = reverse("councils:meeting_status", args=[meeting.pk])
    client.post(url, {"status": "planned"})
    client.post(url, {"status": "nonsense"})
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert client.get(url).status_code == 405


def test_the_new_member_form_lists_only_logins_that_already_have_a_role(
    client, secretariat, council_member, approver, outsider, administrator, council
):
    """The outside test: the form listed every active account, administrators
    included, and adding one gave it Rådsmedlem at once."""
    from core.models import User
    from tests.api_helpers import create_key

    boss = UserFactory(username="boss", is_superuser=True, roles=[Role.COUNCIL_MEMBER])
    both = UserFactory(username="both", roles=[Role.COUNCIL_MEMBER, Role.ADMINISTRATOR])
    UserFactory(username="former", is_active=False, roles=[Role.COUNCIL_MEMBER])
    create_key("--name", "k", "--role", "Godkjenner")
    client.force_login(secretariat)
    form = client.get(reverse("councils:member_new", args=["nuit"])).context["form"]
    listed = set(form.fields["user"].queryset.values_list("username", flat=True))
    assert listed == {"radsmedlem", "sekretariat", "godkjenner"}
    assert {outsider.username, administrator.username, boss.username} & listed == set()
    assert both.username not in listed
    assert not User.objects.filter(
        username="api:k", pk__in=form.fields["user"].queryset
    )


@pytest.mark.parametrize("fixture", ["outsider", "administrator"])
def test_adding_a_member_never_grants_a_role(
    client, secretariat, council, request, fixture
):
    person = request.getfixturevalue(fixture)
    roles_before = set(person.groups.values_list("name", flat=True))
    client.force_login(secretariat)
    response = client.post(
        reverse("councils:member_new", args=["nuit"]),
        {"person_name": "Kari Nordmann", "role": "member", "user": person.pk},
    )
    assert response.status_code == 400
    assert set(person.groups.values_list("name", flat=True)) == roles_before
    assert not council.memberships.exists()


def test_a_member_with_a_role_is_linked_without_changing_roles(
    client, secretariat, council_member, council
):
    client.force_login(secretariat)
    response = client.post(
        reverse("councils:member_new", args=["nuit"]),
        {"person_name": "Kari Nordmann", "role": "member", "user": council_member.pk},
    )
    assert response.status_code == 302
    assert council.memberships.get().user == council_member
    assert list(council_member.groups.values_list("name", flat=True)) == ["Rådsmedlem"]


def test_the_membership_service_refuses_a_login_without_a_suitable_role(
    council, outsider, administrator
):
    from django.core.exceptions import ValidationError

    from councils.services import membership_add

    for person in (outsider, administrator):
        with pytest.raises(ValidationError):
            membership_add(council=council, person_name="X", role="member", user=person)
    assert not outsider.groups.exists()
    assert not council.memberships.exists()


def _meeting_with_items(council, count: int):
    meeting = MeetingFactory(council=council)
    for n in range(count):
        item = agenda_item_add(
            meeting=meeting,
            title=f"Sak {n}",
            kind="beslutning",
            indicators=[IndicatorFactory()],
        )
        decision_record(agenda_item=item, text="Vedtak", decided_on=meeting.date)
    return meeting


@pytest.mark.parametrize("count", [1, 6])
def test_meeting_page_query_count_does_not_grow(
    client, council_member, council, count, django_assert_max_num_queries
):
    meeting = _meeting_with_items(council, count)
    client.force_login(council_member)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("councils:meeting", args=[meeting.pk]))
    assert response.status_code == 200


def test_meeting_page_links_its_items_and_marks_overdue_follow_ups(
    client, council_member, meeting
):
    from councils.services import follow_up_add
    from tests.factories import DeliveryFactory, InitiativeFactory

    indicator = IndicatorFactory(code="IND-LINK")
    initiative = InitiativeFactory(code="1A-9")
    delivery = DeliveryFactory(initiative=initiative, roadmap_id="56876000000000001")
    item = agenda_item_add(
        meeting=meeting,
        title="Status",
        kind="beslutning",
        indicators=[indicator],
        initiatives=[initiative],
        deliveries=[delivery],
    )
    decision = decision_record(agenda_item=item, text="Agreed", decided_on=meeting.date)
    follow_up_add(
        decision=decision,
        description="Report back",
        responsible=OrganisationFactory(),
        due_date=meeting.date,  # 12 March 2026: past, and still open
    )
    client.force_login(council_member)
    html = client.get(reverse("councils:meeting", args=[meeting.pk])).content.decode()
    assert f'href="{indicator.get_absolute_url()}"' in html
    assert f'href="{initiative.get_absolute_url()}"' in html
    assert f'href="{initiative.get_absolute_url()}#d-{delivery.roadmap_id}"' in html
    assert 'class="overdue"' in html and "Forsinket" in html
