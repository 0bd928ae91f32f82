from django.core.management.base import BaseCommand, CommandError

from indicators.models import Indicator
from strategy.services import progress_recompute


class Command(BaseCommand):
    help = (
        "Write the progress snapshots and goal roll-ups a database lacks: one "
        "for every day on which an indicator's inputs changed (an approval, a "
        "supersession, a definition change taking effect), so that every page "
        "as of any date shows exactly that date's status. Replaces stored rows "
        "that no longer match their day's inputs; writes nothing where all is "
        "in order, so it is safe to run again. One transaction per goal."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--indicator",
            action="append",
            metavar="CODE",
            help="Only this indicator (may be repeated). Default: all.",
        )

    def handle(self, *args, **options):
        indicators = Indicator.objects.order_by("goal_id", "pk")
        codes = options["indicator"]
        if codes:
            indicators = indicators.filter(code__in=codes)
            unknown = set(codes) - set(indicators.values_list("code", flat=True))
            if unknown:
                raise CommandError(f"Unknown indicator: {', '.join(sorted(unknown))}.")
        by_goal: dict[int, list[int]] = {}
        for pk, goal_id in indicators.values_list("pk", "goal_id"):
            by_goal.setdefault(goal_id, []).append(pk)
        snapshots = goals = 0
        for ids in by_goal.values():
            counts = progress_recompute(indicator_ids=ids, full=True)
            snapshots += counts.snapshots_created
            goals += counts.goals_created
        total = sum(len(ids) for ids in by_goal.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} indicators backfilled: {snapshots} snapshots and "
                f"{goals} goal roll-ups written."
            )
        )
