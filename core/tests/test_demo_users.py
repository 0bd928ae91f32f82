from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from core.roles import Role, user_roles
from core.services import DEMO_USERNAMES

pytestmark = pytest.mark.django_db


def test_prints_one_working_login_per_role(settings):
    settings.EMBEDDED = True
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    lines = [line.split() for line in out.getvalue().splitlines()[1:]]
    assert {role for role, _user, _password in lines} == {r.value for r in Role}
    for role, username, password in lines:
        user = authenticate(username=username, password=password)
        assert user is not None
        assert role in user_roles(user)
    assert set(DEMO_USERNAMES.values()) == {username for _r, username, _p in lines}


def test_refuses_outside_the_embedded_mode(settings):
    settings.EMBEDDED = False
    with pytest.raises(CommandError, match="embedded mode only"):
        call_command("create_demo_users", stdout=StringIO())
