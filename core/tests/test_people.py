"""People, roles and organisations in the app (issue 17): no Django admin."""

import pytest
from django.urls import reverse

from core.models import AuthEvent, AuthEventKind, Organisation, User
from core.roles import Role, duty_conflicts, user_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_administrator_adds_a_person_with_a_role_and_the_reason_is_logged(
    client, administrator
):
    client.force_login(administrator)
    response = client.post(
        reverse("person_new"),
        {
            "username": "kari",
            "first_name": "Kari",
            "last_name": "Nordmann",
            "email": "kari@example.no",
            "role": Role.COUNCIL_MEMBER.value,
            "reason": "Ny i NUIT",
        },
    )
    kari = User.objects.get(username="kari")
    assert response.status_code == 302
    assert user_roles(kari) == {Role.COUNCIL_MEMBER.value}
    assert not kari.has_usable_password()
    event = AuthEvent.objects.get(kind=AuthEventKind.ROLES_CHANGED, user=kari)
    assert "Rådsmedlem" in event.detail
    assert "administrator: Ny i NUIT" in event.detail


def test_a_role_change_without_a_reason_changes_nothing(client, administrator):
    person = UserFactory(username="ola")
    client.force_login(administrator)
    response = client.post(
        reverse("person_roles", args=[person.pk]),
        {"role": Role.APPROVER.value, "grant": "1", "reason": " "},
    )
    assert response.status_code == 400
    assert not person.groups.exists()
    assert not AuthEvent.objects.filter(
        kind=AuthEventKind.ROLES_CHANGED, user=person
    ).exists()


def test_secretariat_and_approver_together_are_warned_about_and_flagged(
    client, administrator
):
    person = UserFactory(username="begge", roles=[Role.SECRETARIAT])
    client.force_login(administrator)
    response = client.post(
        reverse("person_roles", args=[person.pk]),
        {"role": Role.APPROVER.value, "grant": "1", "reason": "Ferie"},
        follow=True,
    )
    warnings = [m for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "Sekretariat" in str(warnings[0]) and "Godkjenner" in str(warnings[0])
    review = client.get(reverse("access_review")).content.decode()
    row = review[review.index("<td>begge</td>") :].split("</tr>")[0]
    assert 'class="warning"' in row
    assert review.count('class="warning"') == 1
    revoked = client.post(
        reverse("person_roles", args=[person.pk]),
        {"role": Role.APPROVER.value, "grant": "0", "reason": "Ferie slutt"},
    )
    assert revoked.status_code == 302
    assert user_roles(User.objects.get(pk=person.pk)) == {Role.SECRETARIAT.value}


def test_duty_conflicts_name_the_pair():
    assert duty_conflicts(["Sekretariat", "Godkjenner"]) == [
        ("Sekretariat", "Godkjenner")
    ]
    assert duty_conflicts(["Sekretariat", "Rådsmedlem"]) == []


def test_administrator_deactivates_an_account_but_not_their_own(client, administrator):
    person = UserFactory(username="slutter", roles=[Role.COUNCIL_MEMBER])
    client.force_login(administrator)
    client.post(reverse("person_active", args=[person.pk]), {"active": "0"})
    person.refresh_from_db()
    assert not person.is_active
    client.post(reverse("person_active", args=[administrator.pk]), {"active": "0"})
    administrator.refresh_from_db()
    assert administrator.is_active
    bad = client.post(reverse("person_active", args=[person.pk]), {"active": "x"})
    assert bad.status_code == 302
    person.refresh_from_db()
    assert not person.is_active


def test_an_edit_with_a_taken_username_is_refused(client, administrator):
    UserFactory(username="tatt")
    person = UserFactory(username="ledig")
    client.force_login(administrator)
    response = client.post(reverse("person", args=[person.pk]), {"username": "TATT"})
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.username == "ledig"


def test_secretariat_keeps_organisations_with_contact_emails(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("organisation_new"),
        {
            "name": "Nasjonalt senter for e-helseforskning",
            "contact_emails": "post@ehealthresearch.no; kontakt@ehealthresearch.no",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name__startswith="Nasjonalt senter")
    assert organisation.contact_emails == [
        "post@ehealthresearch.no",
        "kontakt@ehealthresearch.no",
    ]
    bad = client.post(
        reverse("organisation_edit", args=[organisation.pk]),
        {"name": organisation.name, "contact_emails": "ikke-en-adresse"},
    )
    assert bad.status_code == 400
    organisation.refresh_from_db()
    assert len(organisation.contact_emails) == 2
    page = client.get(reverse("organisation", args=[organisation.pk]))
    assert "post@ehealthresearch.no" in page.content.decode()
