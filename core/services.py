import secrets

from django.contrib.auth.models import Group
from django.db import transaction

from .models import HealthPing, User
from .roles import Role


def health_ping_record(*, token: str, worker: str) -> HealthPing:
    """Record that a task ran; a repeated token changes nothing (idempotent)."""
    ping, _created = HealthPing.objects.get_or_create(
        token=token, defaults={"worker": worker}
    )
    return ping


DEMO_USERNAMES = {
    Role.COUNCIL_MEMBER: "radsmedlem",
    Role.SECRETARIAT: "sekretariat",
    Role.APPROVER: "godkjenner",
    Role.INTEGRATION: "integrasjon",
    Role.ADMINISTRATOR: "administrator",
}


@transaction.atomic
def demo_users_reset() -> list[tuple[Role, str, str]]:
    """Give each role one demo login with a fresh random password.

    Returns (role, username, password) triples; the passwords are not stored
    anywhere but in their hashes.
    """
    logins = []
    for role, username in DEMO_USERNAMES.items():
        user, _created = User.objects.get_or_create(username=username)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        is_admin = role == Role.ADMINISTRATOR
        user.is_staff = is_admin
        user.is_superuser = is_admin
        user.save()
        user.groups.set([Group.objects.get(name=role.value)])
        logins.append((role, username, password))
    return logins
