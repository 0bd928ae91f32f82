from django.core.management.base import BaseCommand, CommandError

from core.services import ApiKeyError, api_key_revoke


class Command(BaseCommand):
    help = "Revoke an API key by name; it stops working at once."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)

    def handle(self, *args, **options):
        try:
            key = api_key_revoke(name=options["name"])
        except ApiKeyError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Revoked {key.name!r} at {key.revoked_at:%Y-%m-%d %H:%M}.")
