"""The pure rules: value-chain placement, late deliveries, overdue reports."""

import datetime as dt

import pytest

from initiatives.rules import (
    VALUE_CHAIN,
    PhaseSpan,
    UnknownPhase,
    delivery_is_late,
    months_before,
    period_start,
    phase_span,
    report_is_overdue,
    tertial_of,
)

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("phase", "first", "last"),
    [
        ("Konsept", 1, 1),
        ("Konsept / mandat", 1, 1),
        ("Utvikling og begrenset utprøving", 2, 2),
        ("Tilpasning og utvidet utprøving", 3, 3),
        ("Innføring", 4, 4),
        ("I bruk", 5, 5),
        ("Ny praksis i bruk", 5, 5),
        ("Tilpasning - innføring", 3, 4),
        ("Utvikling - tilpasning - innføring", 2, 4),
        ("Utvikling - tilpasning", 2, 3),
        ("Konsept - utvikling", 1, 2),
        ("Utvikling - innføring", 2, 4),
        ("Utvikling – innføring", 2, 4),
        ("  tilpasning  -  INNFØRING ", 3, 4),
    ],
)
def test_every_phase_of_the_real_roadmap_is_placed_on_the_value_chain(
    phase, first, last
):
    assert phase_span(phase) == PhaseSpan(first, last)


def test_an_empty_phase_is_unknown():
    assert phase_span("") is None
    assert phase_span("   ") is None


def test_a_phase_nobody_knows_is_refused():
    with pytest.raises(UnknownPhase, match="Pilot"):
        phase_span("Utvikling - Pilot")


def test_the_value_chain_has_the_five_published_steps():
    assert len(VALUE_CHAIN) == 5
    assert VALUE_CHAIN[0] == "Konsept / mandat"
    assert VALUE_CHAIN[-1] == "Ny praksis i bruk"
    assert list(PhaseSpan(2, 4).steps) == [2, 3, 4]


@pytest.mark.parametrize(
    ("end_date", "phase", "late"),
    [
        (dt.date(2026, 1, 1), "Innføring", True),
        (dt.date(2026, 1, 1), "Tilpasning - innføring", True),
        (dt.date(2026, 1, 1), "", True),  # unknown is not known to be in use
        (dt.date(2026, 1, 1), "I bruk", False),
        (dt.date(2026, 1, 1), "Ny praksis i bruk", False),
        (TODAY, "Innføring", False),  # due today is not yet late
        (dt.date(2027, 1, 1), "Konsept", False),
        (None, "Konsept", False),
    ],
)
def test_a_delivery_is_late_past_its_end_date_unless_in_the_final_step(
    end_date, phase, late
):
    assert (
        delivery_is_late(end_date=end_date, span=phase_span(phase), today=TODAY) is late
    )


@pytest.mark.parametrize(
    ("last", "interval", "overdue"),
    [
        (None, 4, True),
        (dt.date(2026, 7, 22), 4, False),  # exactly four months ago
        (dt.date(2026, 7, 21), 4, True),
        (dt.date(2026, 9, 1), 3, False),
        (dt.date(2026, 8, 21), 3, True),
    ],
)
def test_a_report_is_overdue_when_older_than_the_interval(last, interval, overdue):
    assert (
        report_is_overdue(last_reported=last, today=TODAY, interval_months=interval)
        is overdue
    )


def test_months_before_clamps_to_the_end_of_a_short_month():
    assert months_before(dt.date(2026, 6, 30), 4) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 2, 15), 4) == dt.date(2025, 10, 15)
    assert months_before(dt.date(2028, 5, 31), 3) == dt.date(2028, 2, 29)


@pytest.mark.parametrize(
    ("period", "start"),
    [
        ("2026-T1", dt.date(2026, 1, 1)),
        ("2026-T2", dt.date(2026, 5, 1)),
        ("2026-T3", dt.date(2026, 9, 1)),
        ("2026-Q1", dt.date(2026, 1, 1)),
        ("2026-Q3", dt.date(2026, 7, 1)),
        ("2026-Q4", dt.date(2026, 10, 1)),
        ("2026-T4", None),
        ("2026-Q5", None),
        ("26-T1", None),
        ("2026", None),
    ],
)
def test_reporting_periods_are_tertials_or_quarters(period, start):
    assert period_start(period) == start


def test_the_default_period_is_the_current_tertial():
    assert tertial_of(dt.date(2026, 4, 30)) == "2026-T1"
    assert tertial_of(dt.date(2026, 5, 1)) == "2026-T2"
    assert tertial_of(TODAY) == "2026-T3"
