from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.services import demo_users_reset


class Command(BaseCommand):
    help = (
        "Embedded mode only: create one login per role with a fresh random "
        "password and print them."
    )

    def handle(self, *args, **options):
        if not settings.EMBEDDED:
            raise CommandError(
                "Demo logins are for the embedded mode only (not production)."
            )
        logins = demo_users_reset()
        self.stdout.write("Innlogginger / logins (new passwords on every run):")
        for role, username, password in logins:
            self.stdout.write(f"  {role.value:<14} {username:<14} {password}")
