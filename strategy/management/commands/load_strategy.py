from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.services import organisations_load_from_seed
from core.upsert import UpsertCounts
from councils.services import councils_load_from_seed
from indicators.services import code_lists_load_builtin
from initiatives.services import initiatives_load_from_seed, phases_load_from_seed
from strategy.seed import (
    DEFAULT_SEED_PATH,
    Seed,
    SeedError,
    SeedOrganisation,
    read_organisations,
    read_seed,
)
from strategy.services import strategy_load_seed


@transaction.atomic
def seed_load(
    seed: Seed, organisations: list[SeedOrganisation] | None = None
) -> UpsertCounts:
    """Each app loads its part of the seed, all in one transaction."""
    counts = UpsertCounts()
    organisations_load_from_seed(organisations=organisations or [], counts=counts)
    sub_goals = strategy_load_seed(seed=seed, counts=counts)
    initiatives_load_from_seed(
        initiatives=[i for g in seed.goals for i in g.initiatives],
        sub_goals=sub_goals,
        counts=counts,
    )
    phases_load_from_seed(phases=seed.phases, counts=counts)
    councils_load_from_seed(councils=seed.councils, counts=counts)
    code_lists_load_builtin(counts=counts)
    return counts


class Command(BaseCommand):
    help = (
        "Load the real national e-health strategy (goals, sub-goals, initiatives, "
        "roadmap phases, councils) from strategy-seed.json and the organisations "
        "its sources name from organisations.json. Safe to run again."
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
            organisations = read_organisations()
        except SeedError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from None
        counts = seed_load(seed, organisations)
        self.stdout.write(self.style.SUCCESS(f"Strategy loaded. {counts.summary()}"))
