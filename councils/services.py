from core.upsert import UpsertCounts, upsert
from strategy.seed import SeedCouncil

from .models import Council


def councils_load_from_seed(
    *, councils: list[SeedCouncil], counts: UpsertCounts
) -> None:
    """Create or update the councils of the council model, matched by slug."""
    for council in councils:
        upsert(
            Council,
            lookup={"slug": council.slug},
            values={
                "name_nb": council.name_nb,
                "name_en": council.name_en,
                "level": council.level,
                "mandate_nb": council.mandate_nb,
                "sources": council.sources,
            },
            counts=counts,
        )
