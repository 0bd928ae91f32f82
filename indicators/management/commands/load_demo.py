from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from indicators.demo import DemoConflict, demo_load
from indicators.models import Indicator
from strategy.services import progress_recompute


class Command(BaseCommand):
    help = (
        "Load demo indicators and 2018–2026 values, all flagged as demo data "
        "(Eksempeldata), with their progress history. Never touches real "
        "records. Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                counts = demo_load()
                # A snapshot and a goal roll-up for every day an approval
                # changed the inputs: as-of pages show the past exactly.
                progress_recompute(
                    indicator_ids=Indicator.objects.filter(is_demo=True).values_list(
                        "pk", flat=True
                    ),
                    full=True,
                )
        except DemoConflict as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Demo data (Eksempeldata) loaded. {counts.summary()}")
        )
