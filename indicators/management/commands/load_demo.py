from django.core.management.base import BaseCommand, CommandError

from indicators.services import DemoConflict, demo_load


class Command(BaseCommand):
    help = (
        "Load demo indicators and 2018–2026 values, all flagged as demo data "
        "(Eksempeldata). Never touches real records. Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            counts = demo_load()
        except DemoConflict as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Demo data (Eksempeldata) loaded. {counts.summary()}")
        )
