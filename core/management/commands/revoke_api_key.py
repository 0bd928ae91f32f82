from django.core.management.base import BaseCommand, CommandError

from core.services import ApiKeyError, api_key_revoke


class Command(BaseCommand):
    help = (
        "Revoke an API key by name (and a rotated one still in its grace period); "
        "it stops working at once, for good."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)

    def handle(self, *args, **options):
        try:
            keys = api_key_revoke(name=options["name"])
        except ApiKeyError as exc:
            raise CommandError(str(exc)) from None
        for key in keys:
            when = f"{key.revoked_at:%Y-%m-%d %H:%M}"
            self.stdout.write(f"Revoked {key.name!r} ({key.prefix}…) at {when}.")
