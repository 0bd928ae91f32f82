import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.models import User
from core.roles import Role
from core.services import API_KEY_ROLES, ApiKeyError, api_key_create
from indicators.selectors import scope_codes


class Command(BaseCommand):
    # Here, not in core: the indicators app owns the codes a scope names.
    help = (
        "Create an API key for an integration, owned by a person. The key is "
        "printed once, as the last line; only its hash is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Unique name of the key.")
        parser.add_argument(
            "--role",
            required=True,
            choices=[role.value for role in API_KEY_ROLES],
            help="The role the key acts with.",
        )
        parser.add_argument(
            "--owner",
            required=True,
            help="Username of the person answerable for the key (not a key).",
        )
        parser.add_argument(
            "--scope",
            default="",
            help="Comma-separated goal or indicator codes the key may write.",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days until the key expires (default API_KEY_LIFETIME_DAYS, 365).",
        )

    def handle(self, *args, **options):
        scopes = [s.strip() for s in options["scope"].split(",") if s.strip()]
        owner = User.objects.filter(username=options["owner"]).first()
        if owner is None:
            raise CommandError(f"No user {options['owner']!r} to own the key.")
        if options["days"] is not None and options["days"] < 1:
            raise CommandError("--days must be at least 1.")
        try:
            key, raw_key = api_key_create(
                name=options["name"],
                role=Role(options["role"]),
                owner=owner,
                scopes=scopes,
                known_scopes=scope_codes(among=scopes),
                lifetime=options["days"] and dt.timedelta(days=options["days"]),
            )
        except ApiKeyError as exc:
            raise CommandError(str(exc)) from None
        scope_text = ", ".join(key.scopes) or "none (read only)"
        self.stdout.write(
            f"Created API key {key.name!r} with role {options['role']}, owned by "
            f"{owner.get_username()}; write scope: {scope_text}; expires "
            f"{key.expires_at:%Y-%m-%d}. Store it now: it is not shown again."
        )
        self.stdout.write(raw_key)
