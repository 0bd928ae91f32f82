import pytest
from django.contrib.auth.models import Group

from core.roles import Role, user_has_role, user_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_migration_creates_the_five_role_groups():
    names = set(Group.objects.values_list("name", flat=True))
    assert {
        "Rådsmedlem",
        "Sekretariat",
        "Godkjenner",
        "Integrasjon",
        "Administrator",
    } <= names
    assert {role.value for role in Role} == {
        "Rådsmedlem",
        "Sekretariat",
        "Godkjenner",
        "Integrasjon",
        "Administrator",
    }


def test_user_roles_come_from_groups():
    user = UserFactory(roles=[Role.SECRETARIAT, Role.APPROVER])
    assert user_roles(user) == {"Sekretariat", "Godkjenner"}
    assert user_has_role(user, Role.APPROVER)
    assert not user_has_role(user, Role.ADMINISTRATOR)


def test_superuser_holds_the_administrator_role():
    user = UserFactory(is_superuser=True)
    assert user_has_role(user, Role.ADMINISTRATOR)


def test_anonymous_has_no_roles():
    from django.contrib.auth.models import AnonymousUser

    assert user_roles(AnonymousUser()) == frozenset()
