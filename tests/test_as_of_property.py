"""Issue 15's property: for any history of an indicator (values entered,
approved, corrected, superseded, rejected; targets and limits changed; the
recompute and the sweep run at random moments) and any date D, the stored
status as of D equals a from-scratch computation on D's inputs, and the
indicator page as of D lists exactly D's official values.

The from-scratch side (``Oracle``) replays the history the test made, with
none of the engine's code: its own series, its own definition rules.
"""

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators import progress, services
from indicators.models import IndicatorValue, ValueInput, ValueSource, ValueStatus
from indicators.snapshots import snapshot_as_of
from indicators.tasks import progress_sweep_task
from strategy.models import Goal
from strategy.services import progress_recompute
from tests.factories import GoalFactory, IndicatorFactory
from tests.helpers import clock_at

START = dt.datetime(2025, 1, 1, 8)
YEARS = range(2020, 2025)
# Entries and approvals come most often, so that histories have values.
KINDS = ("enter",) * 4 + ("approve",) * 4 + ("correct",) * 2
KINDS += ("reject", "target", "limit", "recompute", "recompute")


@st.composite
def histories(draw):
    """Events at increasing moments: (minutes after START, kind, a, b)."""
    count = draw(st.integers(4, 30))
    gaps = draw(st.lists(st.integers(1, 60 * 24 * 15), min_size=count, max_size=count))
    events, minutes = [], 0
    for gap in gaps:
        minutes += gap
        kind = draw(st.sampled_from(KINDS))
        events.append(
            (minutes, kind, draw(st.sampled_from(YEARS)), draw(st.integers(40, 400)))
        )
    return events


@dataclass
class Oracle:
    """What was official, and which definition applied, from the test's own
    records: approvals and supersessions as moments, definition changes as
    (recorded at, effective from, value)."""

    target: Decimal
    limit: Decimal | None
    targets: list[tuple[dt.datetime, dt.date, Decimal]] = field(default_factory=list)
    limits: list[tuple[dt.datetime, Decimal | None]] = field(default_factory=list)

    def definition(self, day: dt.date) -> progress.Definition:
        cutoff = cutoff_of(day)
        in_effect = [
            (effective, at, value)
            for at, effective, value in self.targets
            if at < cutoff and effective <= day
        ]
        target = max(in_effect)[2] if in_effect else self.target
        limits = [value for at, value in self.limits if at < cutoff]
        limit = limits[-1] if limits else self.limit
        return progress.Definition(
            direction="increase",
            target_year=2030,
            baseline_value=100.0,
            baseline_year=2020,
            target_value=float(target),
            limit=None if limit is None else float(limit),
        )


def cutoff_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    )


def official(indicator, day: dt.date) -> dict[int, Decimal]:
    """Year → value official at the end of the day: approved before the cutoff,
    not superseded by then; of two, the later approval."""
    cutoff = cutoff_of(day)
    found: dict[int, tuple[dt.datetime, Decimal]] = {}
    for row in IndicatorValue.objects.filter(indicator=indicator, status="approved"):
        live = row.superseded_at is None or row.superseded_at >= cutoff
        if row.approved_at < cutoff and live:
            year = row.period_start.year
            if year not in found or row.approved_at > found[year][0]:
                found[year] = (row.approved_at, row.value)
    return {year: value for year, (_at, value) in found.items()}


class History:
    """Plays the events through the services, with the clock at each moment."""

    def __init__(self, indicator, secretariat, approver):
        self.indicator, self.secretariat, self.approver = (
            indicator,
            secretariat,
            approver,
        )
        self.oracle = Oracle(target=indicator.target_value, limit=indicator.limit)

    def play(self, minutes: int, kind: str, year: int, number: int) -> None:
        moment = timezone.make_aware(START + dt.timedelta(minutes=minutes))
        with clock_at(moment):
            getattr(self, kind)(moment, year, number)

    def _record(self, year: int, number: int, comment: str = "") -> None:
        item = ValueInput(self.indicator, dt.date(year, 1, 1), Decimal(number), comment)
        # A revision without a comment is refused, and nothing written.
        with contextlib.suppress(services.ValueRejected):
            services.values_record(
                items=[item], user=self.secretariat, source=ValueSource.FORM
            )

    def enter(self, _moment, year, number):
        self._record(year, number)

    def correct(self, _moment, year, number):
        self._record(year, number, comment="Rettet")

    def _pending(self):
        return IndicatorValue.objects.filter(
            indicator=self.indicator,
            status=ValueStatus.SUBMITTED,
            superseded_at__isnull=True,
        ).order_by("pk")

    def approve(self, _moment, year, _number):
        pending = self._pending().order_by(
            "-period_start" if year % 2 else "period_start"
        )
        if pending:
            services.values_approve(value_ids=[pending[0].pk], user=self.approver)

    def reject(self, _moment, _year, _number):
        if pending := self._pending().first():
            services.values_reject(
                value_ids=[pending.pk], user=self.approver, reason="Nei"
            )

    def target(self, moment, year, number):
        # Effective from some day around the moment: before, on or after it.
        effective = moment.date() + dt.timedelta(days=(year - 2022) * 20)
        value = Decimal(150 + number)
        if value == self.indicator.target_value:
            return  # no change: nothing is recorded
        self._update({"target_value": value}, effective)
        self.oracle.targets.append((moment, effective, value))

    def limit(self, moment, _year, number):
        value = None if number < 100 else Decimal(600 + number)
        if value == self.indicator.limit:
            return
        self._update({"limit": value}, None)
        self.oracle.limits.append((moment, value))

    def _update(self, fields, effective):
        services.indicator_update(
            indicator=self.indicator,
            user=self.secretariat,
            fields=fields,
            change_reason="Vedtak",
            effective_from=effective,
        )
        self.indicator.refresh_from_db()

    def recompute(self, _moment, year, _number):
        if year % 2:
            progress_sweep_task.delay()
        else:
            progress_recompute(indicator_ids=[self.indicator.pk])


def days_to_check(events) -> list[dt.date]:
    """Every day something happened, the days around them, and today."""
    days = {timezone.localdate()}
    for minutes, *_ in events:
        day = timezone.localdate(
            timezone.make_aware(START + dt.timedelta(minutes=minutes))
        )
        days |= {day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)}
    return sorted(d for d in days if d <= timezone.localdate())


def page_values(client, code: str, day: dt.date) -> dict[int, Decimal]:
    with translation.override("en"):
        response = client.get(
            reverse("indicators:detail", args=[code]),
            {"as_of": day.isoformat(), "periods": "all"},
        )
    assert response.status_code == 200
    table = (
        response.content.decode()
        .split('id="values-title"', 1)[1]
        .split("</table>", 1)[0]
    )
    rows = re.findall(r'<th scope="row">(\d{4})</th><td>([^<]*)</td>', table)
    return {int(year): Decimal(text) for year, text in rows if text != "–"}


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(events=histories())
def test_the_stored_status_as_of_any_day_is_that_days(
    events, client, secretariat, approver, council_member
):
    # Examples share the test's transaction: one goal, a new indicator each.
    goal = Goal.objects.order_by("pk").first() or GoalFactory()
    with clock_at(timezone.make_aware(START - dt.timedelta(days=30))):
        indicator = IndicatorFactory(
            goal=goal,
            unit="count",
            baseline_value=Decimal(100),
            baseline_year=2020,
            target_value=Decimal(200),
            target_year=2030,
            limit=None,
        )
    history = History(indicator, secretariat, approver)
    for event in events:
        history.play(*event)
    progress_recompute(indicator_ids=[indicator.pk])  # tonight's run, as it were
    client.force_login(council_member)

    for day in days_to_check(events):
        values = official(indicator, day)
        expected = progress.compute(
            [(float(year), float(v)) for year, v in values.items()],
            history.oracle.definition(day),
        )
        stored = snapshot_as_of(indicator_id=indicator.pk, as_of=day)
        assert stored is not None, day
        assert (stored.status, stored.method) == (expected.status, expected.method), day
        assert stored.score == pytest.approx(expected.score), day
        assert stored.components["target_value"] == expected.components["target_value"]
        assert stored.components["limit"] == expected.components["limit"]
        assert page_values(client, indicator.code, day) == values, day
