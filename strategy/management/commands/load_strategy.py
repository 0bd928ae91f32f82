from django.core.management.base import BaseCommand, CommandError

from strategy.seed import DEFAULT_SEED_PATH, SeedError, read_seed
from strategy.services import strategy_load_seed


class Command(BaseCommand):
    help = (
        "Load the real national e-health strategy (goals, sub-goals, initiatives, "
        "roadmap phases, councils) from strategy-seed.json. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=str(DEFAULT_SEED_PATH),
            help="Seed file to load (default: the project's copy).",
        )

    def handle(self, *args, **options):
        try:
            seed = read_seed(options["file"])
        except SeedError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from None
        counts = strategy_load_seed(seed=seed)
        self.stdout.write(self.style.SUCCESS(f"Strategy loaded. {counts.summary()}"))
