"""Demo indicators for the embedded mode: invented, flagged, and labelled so.

No official målindikatorer have been published. Everything here is made up to
show how the tracker works; every indicator is ``is_demo`` and its name ends in
"(eksempel)". The first M1 indicator is loosely inspired by a published fact
(57 % in digital contact with the health service in 2023, Innbyggerundersøkelsen
om e-helse) but its series, baseline and target are invented.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.upsert import UpsertCounts, upsert
from strategy.models import Goal

from .breakdowns import breakdown_key
from .models import (
    BreakdownCategory,
    BreakdownDimension,
    BreakdownLevel,
    Frequency,
    Indicator,
    IndicatorValue,
    ValueSource,
    ValueStatus,
)

FIRST_YEAR = 2018
LAST_YEAR = 2026
BASELINE_YEAR = 2022


@dataclass(frozen=True)
class DemoIndicator:
    code: str
    goal_code: str
    name_nb: str
    name_en: str
    unit: str
    unit_label: str
    direction: str
    start: float  # value in FIRST_YEAR
    step: float  # change per year (added), or growth factor when ``compound``
    target: float
    limit: float | None = None
    compound: bool = False

    def series(self) -> list[tuple[int, Decimal]]:
        """Deterministic invented values, FIRST_YEAR..LAST_YEAR."""
        rng = random.Random(self.code)  # noqa: S311 - demo data, not security
        value = self.start
        points = []
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            noisy = value * (1 + rng.uniform(-0.03, 0.03))
            if self.limit is not None:
                noisy = min(noisy, self.limit)
            points.append((year, Decimal(f"{max(noisy, 0):.1f}")))
            value = value * self.step if self.compound else value + self.step
        return points


# fmt: off
# code, goal, name (nb), name (en), unit, unit label, direction,
# value in 2018, yearly step (or growth factor if compound), target 2030, limit
_TABLE = [
    ("DEMO-M1-1", "M1", "Andel innbyggere med digital kontakt med helsetjenesten siste år (eksempel)",
     "Share of citizens in digital contact with the health service (example)",
     "percent", "%", "increase", 33, 4.5, 80, 100, False),
    ("DEMO-M1-2", "M1", "Andel fastleger som tilbyr e-konsultasjon (eksempel)",
     "Share of GPs offering e-consultation (example)",
     "percent", "%", "increase", 55, 4.5, 95, 100, False),
    ("DEMO-M1-3", "M1", "Pasienter med digital hjemmeoppfølging (eksempel)",
     "Patients with digital home follow-up (example)",
     "count", "pasienter", "increase", 900, 1.35, 40000, None, True),
    ("DEMO-M2-1", "M2", "Andel helsepersonell som opplever at journalsystemet støtter arbeidet (eksempel)",
     "Share of health workers who find the record system supportive (example)",
     "percent", "%", "increase", 41, 0.6, 70, 100, False),
    ("DEMO-M2-2", "M2", "Tid brukt på dokumentasjon per konsultasjon (eksempel)",
     "Documentation time per consultation (example)",
     "other", "min", "decrease", 11.0, 0.25, 8, None, False),
    ("DEMO-M2-3", "M2", "Andel kommuner med pasientens legemiddelliste (eksempel)",
     "Share of municipalities using the shared medication list (example)",
     "percent", "%", "increase", 2, 9, 100, 100, False),
    ("DEMO-M3-1", "M3", "Median tid fra søknad til tilgang på helsedata (eksempel)",
     "Median time from application to health data access (example)",
     "days", "dager", "decrease", 320, -22, 90, None, False),
    ("DEMO-M3-2", "M3", "Registre tilgjengelige gjennom helsedataplattformen (eksempel)",
     "Registries available through the health data platform (example)",
     "count", "registre", "increase", 8, 2, 60, None, False),
    ("DEMO-M3-3", "M3", "Andel kvalitetsregistre med automatisk datafangst (eksempel)",
     "Share of quality registries with automatic data capture (example)",
     "percent", "%", "increase", 21, 2.5, 60, 100, False),
    ("DEMO-M4-1", "M4", "Andel sykehus som deler journaldokumenter nasjonalt (eksempel)",
     "Share of hospitals sharing record documents nationally (example)",
     "percent", "%", "increase", 12, 9.5, 100, 100, False),
    ("DEMO-M4-2", "M4", "Oppslag i kjernejournal per måned (eksempel)",
     "Summary care record look-ups per month (example)",
     "count", "tusen", "increase", 60, 1.18, 400, None, True),
    ("DEMO-M4-3", "M4", "Andel kommunale tjenester koblet til kjernejournal (eksempel)",
     "Share of municipal services connected to the summary care record (example)",
     "percent", "%", "increase", 30, 1.0, 100, 100, False),
    ("DEMO-M5-1", "M5", "Andel porteføljetiltak som rapporterer status i tide (eksempel)",
     "Share of portfolio measures reporting on time (example)",
     "percent", "%", "increase", 62, 2.0, 95, 100, False),
    ("DEMO-M5-2", "M5", "Felles standarder tatt i bruk (eksempel)",
     "Common standards in use (example)",
     "count", "standarder", "increase", 5, 2, 30, None, False),
    ("DEMO-M5-3", "M5", "Andel virksomheter med oppdatert risikovurdering av informasjonssikkerhet (eksempel)",
     "Share of organisations with an up-to-date security risk assessment (example)",
     "percent", "%", "increase", 70, -1.5, 95, 100, False),
]
# fmt: on

DEMO_INDICATORS = [DemoIndicator(*row) for row in _TABLE]
# Broken down by county and by health region: invented too. Each county's
# series is the national one times a share of its own (0.85–1.1) that drifts
# up or down a little every year, with noise; a health region's is the mean of
# its counties.
REGIONAL_DEMO = ("DEMO-M1-1", "DEMO-M4-3")


# --- Loading -------------------------------------------------------------------


class DemoConflict(Exception):
    """A demo code is already used by a real indicator; nothing was written."""


@transaction.atomic
def demo_load() -> UpsertCounts:
    """Create or refresh the demo indicators and their 2018–2026 values.

    Touches only rows flagged ``is_demo``; refuses if a demo code is taken by a
    real indicator. Values that already exist are left as they are.
    """
    counts = UpsertCounts()
    codes = [d.code for d in DEMO_INDICATORS]
    taken = list(
        Indicator.objects.filter(code__in=codes, is_demo=False).values_list(
            "code", flat=True
        )
    )
    if taken:
        raise DemoConflict(
            "These codes belong to real indicators, so no demo data was loaded: "
            + ", ".join(sorted(taken))
        )
    goals = Goal.objects.in_bulk(field_name="code")
    missing = sorted({d.goal_code for d in DEMO_INDICATORS} - set(goals))
    if missing:
        raise DemoConflict(
            f"Goals {', '.join(missing)} are missing: run load_strategy first."
        )
    for demo in DEMO_INDICATORS:
        indicator = upsert(
            Indicator,
            lookup={"code": demo.code},
            values=_demo_indicator_fields(demo, goals[demo.goal_code]),
            counts=counts,
        )
        _demo_values_create(indicator, demo, counts)
        if demo.code in REGIONAL_DEMO:
            _demo_regions_create(indicator, demo, counts)
    return counts


def regional_series(demo: DemoIndicator) -> dict[str, list[tuple[int, Decimal]]]:
    """Invented values per county and health region (their codes), per year."""
    counties = BreakdownCategory.objects.filter(
        dimension__code=BreakdownDimension.REGION, level=BreakdownLevel.COUNTY
    ).values_list("code", "parent__code")
    national = demo.series()
    found: dict[str, list[tuple[int, Decimal]]] = {}
    members: dict[str, list[str]] = {}
    for code, parent in sorted(counties):
        rng = random.Random(f"{demo.code}:{code}")  # noqa: S311 - demo data
        factor = rng.uniform(0.85, 1.1)
        # Some counties catch up, some fall behind: a drift per year.
        drift = rng.uniform(-0.03, 0.02)
        points = []
        for year, value in national:
            share = factor + drift * (year - FIRST_YEAR)
            number = float(value) * share * (1 + rng.uniform(-0.02, 0.02))
            if demo.limit is not None:
                number = min(number, demo.limit)
            points.append((year, Decimal(f"{max(number, 0):.1f}")))
        found[code] = points
        members.setdefault(parent, []).append(code)
    for region, codes in members.items():
        found[region] = [
            (
                year,
                Decimal(
                    f"{sum(float(found[c][i][1]) for c in codes) / len(codes):.1f}"
                ),
            )
            for i, (year, _value) in enumerate(national)
        ]
    return found


def _demo_value(
    indicator: Indicator,
    year: int,
    value: Decimal,
    now: dt.datetime,
    breakdown: str = "",
) -> IndicatorValue:
    """A demo value, approved in March after its year, as a statistics
    producer would publish: the as-of views then have a history to show."""
    published = min(now, _demo_published(year))
    return IndicatorValue(
        indicator=indicator,
        period_start=dt.date(year, 1, 1),
        breakdown=breakdown,
        granularity=Frequency.ANNUAL,
        value=value,
        status=ValueStatus.APPROVED,
        source=ValueSource.DEMO,
        comment="Eksempeldata",
        entered_at=published,
        approved_at=published,
    )


def _demo_regions_create(
    indicator: Indicator, demo: DemoIndicator, counts: UpsertCounts
) -> None:
    indicator.breakdowns.add(
        BreakdownDimension.objects.get(code=BreakdownDimension.REGION)
    )
    existing = set(
        indicator.values.exclude(breakdown="").values_list("breakdown", "period_start")
    )
    now = timezone.now()
    new_values = [
        _demo_value(
            indicator,
            year,
            value,
            now,
            breakdown=breakdown_key({BreakdownDimension.REGION: code}),
        )
        for code, points in regional_series(demo).items()
        for year, value in points
        if (f"region:{code}", dt.date(year, 1, 1)) not in existing
    ]
    bulk_create_with_history(new_values, IndicatorValue)
    for _row in new_values:
        counts.add("indicatorvalue", "created")


def _demo_published(year: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year + 1, 3, 1, 12))


def _demo_indicator_fields(demo: DemoIndicator, goal: Goal) -> dict:
    baseline = dict(demo.series())[BASELINE_YEAR]
    return {
        "goal": goal,
        "name_nb": demo.name_nb,
        "name_en": demo.name_en,
        "description": "Eksempeldata – oppdiktet for å vise hvordan verktøyet virker.",
        "unit": demo.unit,
        "unit_label": demo.unit_label,
        "direction": demo.direction,
        "baseline_value": baseline,
        "baseline_year": BASELINE_YEAR,
        "target_value": Decimal(str(demo.target)),
        "target_year": 2030,
        "limit": None if demo.limit is None else Decimal(str(demo.limit)),
        "frequency": Frequency.ANNUAL,
        "data_source": "Eksempeldata",
        "is_demo": True,
    }


def _demo_values_create(
    indicator: Indicator, demo: DemoIndicator, counts: UpsertCounts
) -> None:
    existing = set(
        indicator.values.filter(breakdown="").values_list("period_start", flat=True)
    )
    now = timezone.now()
    new_values = [
        _demo_value(indicator, year, value, now)
        for year, value in demo.series()
        if dt.date(year, 1, 1) not in existing
    ]
    bulk_create_with_history(new_values, IndicatorValue)
    for _row in new_values:
        counts.add("indicatorvalue", "created")
    for _row in existing:
        counts.add("indicatorvalue", "unchanged")
