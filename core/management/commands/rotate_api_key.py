import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.services import ApiKeyError, api_key_rotate


class Command(BaseCommand):
    help = (
        "Rotate an API key: a new key of the same name, role, owner and scopes is "
        "printed once, as the last line; the old key stays valid for a grace "
        "period so the integration can switch over."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--grace-days",
            type=int,
            default=None,
            help="Days the old key stays valid (default API_KEY_ROTATION_GRACE_DAYS).",
        )

    def handle(self, *args, **options):
        days = options["grace_days"]
        if days is not None and days < 0:
            raise CommandError("--grace-days cannot be negative.")
        try:
            new, raw_key, old = api_key_rotate(
                name=options["name"],
                grace=None if days is None else dt.timedelta(days=days),
            )
        except ApiKeyError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Rotated {new.name!r}: the old key ({old.prefix}…) stays valid until "
            f"{old.expires_at:%Y-%m-%d %H:%M}; the new key expires "
            f"{new.expires_at:%Y-%m-%d}. Store it now: it is not shown again."
        )
        self.stdout.write(raw_key)
