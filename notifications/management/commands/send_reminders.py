from django.core.management.base import BaseCommand

from notifications.services import notifications_due_preview, notifications_sweep


class Command(BaseCommand):
    help = (
        "Record and send the reminders and notices that are due: the same work "
        "as the beat job. --dry-run prints what would be sent, changing nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--digest", action="store_true", help="Send the daily digests too."
        )

    def handle(self, *args, **options):
        if options["dry_run"]:
            lines = notifications_due_preview()
            for recipient, line in lines:
                self.stdout.write(f"{recipient}: {line}")
            self.stdout.write(f"Would send {len(lines)} item(s); nothing was sent.")
            return
        result = notifications_sweep(digest=options["digest"])
        for recipient, subject in result.messages:
            self.stdout.write(f"{recipient}: {subject}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Recorded {result.recorded} item(s); sent {len(result.messages)} "
                "message(s)."
            )
        )
