"""Pure rules of the roadmap and the status reports; no Django import.

The roadmap's value chain has five steps (RoadmapPhase order 1..5). The
published list names phases more loosely than that: "Konsept", combined phases
such as "Tilpasning - innføring", "I bruk". ``phase_span`` places each on the
chain; a combined phase spans from its first to its last step.
"""

import datetime as dt
import re
from dataclasses import dataclass

VALUE_CHAIN = (
    "Konsept / mandat",
    "Utvikling og begrenset utprøving",
    "Tilpasning og utvidet utprøving",
    "Innføring",
    "Ny praksis i bruk",
)
FINAL_STEP = len(VALUE_CHAIN)

# Every spelling of a step seen in the roadmap, lower case.
_STEP_NAMES = {
    **{name.lower(): step for step, name in enumerate(VALUE_CHAIN, start=1)},
    "konsept": 1,
    "mandat": 1,
    "utvikling": 2,
    "tilpasning": 3,
    "i bruk": 5,
}
# "Tilpasning - innføring", "Utvikling – tilpasning – innføring"; never the
# slash inside "Konsept / mandat".
_PHASE_JOIN = re.compile(r"\s+[-–]\s+")


class UnknownPhase(ValueError):
    """A roadmap phase that cannot be placed on the value chain."""


@dataclass(frozen=True)
class PhaseSpan:
    """The steps of the value chain a phase covers, 1..5, first <= last."""

    first: int
    last: int

    @property
    def steps(self) -> range:
        return range(self.first, self.last + 1)


def phase_span(phase: str) -> PhaseSpan | None:
    """Place a phase as given in the roadmap on the value chain.

    None for an empty phase (unknown); UnknownPhase for a name no step has.
    """
    phase = " ".join(phase.split())
    if not phase:
        return None
    steps = []
    for part in _PHASE_JOIN.split(phase):
        step = _STEP_NAMES.get(part.strip().lower())
        if step is None:
            raise UnknownPhase(part.strip())
        steps.append(step)
    return PhaseSpan(first=min(steps), last=max(steps))


def delivery_is_late(
    *, end_date: dt.date | None, span: PhaseSpan | None, today: dt.date
) -> bool:
    """Past its end date while not yet in the final step (new practice in use).

    An unknown (empty) phase is not known to be final, so it counts as late.
    """
    if end_date is None or end_date >= today:
        return False
    return span is None or span.last < FINAL_STEP


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier, clamped to the end of a short month."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def report_is_overdue(
    *, last_reported: dt.date | None, today: dt.date, interval_months: int
) -> bool:
    """No report yet, or the newest one is older than the reporting interval."""
    if last_reported is None:
        return True
    return last_reported < months_before(today, interval_months)


# Reporting periods: tertials (2026-T2) or quarters (2026-Q3).
PERIOD_PATTERN = re.compile(r"^(\d{4})-(T[1-3]|Q[1-4])$")


def period_start(period: str) -> dt.date | None:
    """The first day of a reporting period, or None when it is malformed."""
    match = PERIOD_PATTERN.match(period)
    if not match:
        return None
    year, part = int(match[1]), match[2]
    months_per_part = 4 if part[0] == "T" else 3
    return dt.date(year, 1 + (int(part[1]) - 1) * months_per_part, 1)


def tertial_of(day: dt.date) -> str:
    """The tertial a day falls in, as a reporting period (2026-T2)."""
    return f"{day.year}-T{(day.month - 1) // 4 + 1}"
