import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from indicators.models import Indicator
from strategy.services import progress_recompute


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--as-of must be a date like 2026-06-30, not {text!r}."
        ) from None


class Command(BaseCommand):
    help = (
        "Recompute progress snapshots and goal roll-ups now, in this process. "
        "Writes only what changed, so it is safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--indicator",
            action="append",
            metavar="CODE",
            help="Only this indicator (may be repeated). Default: all.",
        )
        parser.add_argument(
            "--as-of",
            metavar="DATE",
            help="Compute as of the end of this day (YYYY-MM-DD). Default: today.",
        )

    def handle(self, *args, **options):
        as_of = _date(options["as_of"]) if options["as_of"] else None
        indicators = Indicator.objects.order_by("pk")
        codes = options["indicator"]
        if codes:
            indicators = indicators.filter(code__in=codes)
            unknown = set(codes) - set(indicators.values_list("code", flat=True))
            if unknown:
                raise CommandError(f"Unknown indicator: {', '.join(sorted(unknown))}.")
        ids = list(indicators.values_list("pk", flat=True))
        counts = progress_recompute(indicator_ids=ids, as_of=as_of)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(ids)} indicators recomputed: "
                f"{counts.snapshots_created} new snapshots, "
                f"{counts.snapshots_unchanged} unchanged, "
                f"{counts.goals_created} new goal roll-ups."
            )
        )
