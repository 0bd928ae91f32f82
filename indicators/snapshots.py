"""Progress snapshots: the progress engine's writes and its as-of reads.

"As of D" is one rule for every page, the API and the packs: what the system
held at the end of day D in Europe/Oslo. A value counts when it was approved
before then and not yet superseded. The definition is the one in effect: a
baseline or target change from its effective date, but never before the
change was recorded (a page as of a meeting date shows what the meeting saw);
the other fields the method reads (direction, limit, thresholds) as last
saved by then.

A snapshot is written for every day on which an indicator's inputs changed
(an approval, a supersession, a definition change taking effect), with that
day as its ``as_of``, so that "the newest snapshot at or before D" is the
status of exactly D's inputs for any D. A recompute brings an indicator's
snapshots up to a date from its newest snapshot on; its first recompute, the
demo loader and ``snapshots_backfill`` write its whole history.

Every function here works on many indicators in a fixed number of queries.
"""

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from psycopg.types.numeric import FloatLoader

from core.asof import NewestKeys, as_of_cutoff, fingerprint, newest_as_of

from . import progress
from .breakdowns import NATIONAL
from .models import (
    Indicator,
    IndicatorTargetChange,
    IndicatorValue,
    ProgressSnapshot,
    SeriesSnapshot,
    ValueStatus,
)

# Part of every fingerprint: bump it when the method's code changes its results,
# so that the next recompute writes new snapshots instead of keeping stale ones.
METHOD_VERSION = "2026-12-1"

TARGET_FIELDS = Indicator.TARGET_FIELDS
# What the method reads of an indicator; editing anything else changes nothing.
DEFINITION_FIELDS = ("direction", *TARGET_FIELDS, "limit", "threshold_overrides")

Series = list[tuple[float, float]]
SnapshotT = TypeVar("SnapshotT", ProgressSnapshot, SeriesSnapshot)


@dataclass(frozen=True)
class SnapshotsRecorded:
    """What a recompute of indicator snapshots wrote, and whose goals to roll up:
    each goal with the days on which its indicators got a new snapshot."""

    created: int
    unchanged: int
    goal_days: dict[int, set[dt.date]]

    @property
    def goal_ids(self) -> list[int]:
        return sorted(self.goal_days)


def official_at(cutoff: dt.datetime) -> Q:
    """Values that were official just before ``cutoff``."""
    return Q(status=ValueStatus.APPROVED, approved_at__lt=cutoff) & (
        Q(superseded_at__isnull=True) | Q(superseded_at__gte=cutoff)
    )


def indicator_series(
    *, indicator_ids: Iterable[int], as_of: dt.date
) -> dict[int, Series]:
    """Each indicator's official ``(decimal year, value)`` points as of a date.

    One query. Should two revisions of a period both look official at the
    cutoff (approval and supersession stamped a moment apart), the later
    approval wins.
    """
    ids = list(indicator_ids)
    if not ids:
        # The raw-SQL path on PostgreSQL cannot compile an empty IN list.
        return {}
    rows = _values_as_floats(
        IndicatorValue.objects.filter(official_at(as_of_cutoff(as_of)))
        .filter(indicator_id__in=ids, breakdown=NATIONAL)
        .order_by("indicator_id", "period_start", "approved_at")
        .values_list("indicator_id", "period_start", "value")
    )
    return _points_by_owner(rows)


def _points_by_owner(rows: Iterable[tuple]) -> dict:
    """``(owner, period start, value)`` rows, grouped by owner and ordered by
    period, as each owner's points; of two rows of one period the last."""
    times: dict[dt.date, float] = {}  # few distinct periods among many rows
    series: dict = {}
    points: Series = []
    current_id = last_start = None
    # Rows come grouped by owner and period: plain appends, no lookups.
    for indicator_id, start, value in rows:
        if indicator_id != current_id:
            current_id, last_start = indicator_id, None
            points = series[indicator_id] = []
        time = times.get(start)
        if time is None:
            time = times[start] = progress.decimal_year(start.year, start.month)
        if start == last_start:
            points[-1] = (time, float(value))
        else:
            points.append((time, float(value)))
            last_start = start
    return series


def _values_as_floats(rows: models.QuerySet) -> Iterable[tuple]:
    """The rows; on PostgreSQL with NUMERIC loaded straight into floats.

    The method computes in floats, and building a Decimal for each of many
    values and then converting it costs more than the SELECT's own parsing
    (see bench/recompute.py). Both parse the same decimal text, so the floats
    are the same either way.
    """
    if connection.vendor != "postgresql":
        return rows
    with connection.cursor() as cursor:
        cursor.adapters.register_loader("numeric", FloatLoader)  # this cursor only
        cursor.execute(*rows.query.sql_with_params())
        return cursor.fetchall()


def breakdown_series(
    *, indicator_ids: Iterable[int], as_of: dt.date
) -> dict[tuple[int, str], Series]:
    """Each broken-down series' official points as of a date, keyed by
    ``(indicator id, breakdown key)``; the national figures are not among
    them (``indicator_series``). One query."""
    ids = list(indicator_ids)
    if not ids:
        return {}
    rows = _values_as_floats(
        IndicatorValue.objects.filter(official_at(as_of_cutoff(as_of)))
        .filter(indicator_id__in=ids)
        .exclude(breakdown=NATIONAL)
        .order_by("indicator_id", "breakdown", "period_start", "approved_at")
        .values_list("indicator_id", "breakdown", "period_start", "value")
    )
    return _points_by_owner(
        ((pk, breakdown), start, value) for pk, breakdown, start, value in rows
    )


# --- Definitions as they apply ---------------------------------------------------


def _day_of(moment: dt.datetime) -> dt.date:
    """The day (Europe/Oslo) of a moment."""
    return timezone.localdate(moment)


def effect_day(change: dict) -> dt.date:
    """The day a recorded baseline or target change applies from: its effective
    date, but never before the day it was recorded."""
    return max(change["effective_from"], _day_of(change["changed_at"]))


@dataclass
class DefinitionHistory:
    """An indicator's definition over time: what the method reads of it.

    ``saved`` are the indicator's history rows (simple-history), oldest first,
    for the fields that apply as saved; ``changes`` its recorded baseline and
    target changes (``IndicatorTargetChange``), in the order recorded. Before
    the first saved row the first one applies (an indicator defined after its
    first values were approved).
    """

    current: dict
    saved: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)

    def at(self, day: dt.date) -> dict:
        """The definition fields in effect at the end of ``day``."""
        if not self.saved and not self.changes:  # never changed: the row
            return self.current
        cutoff = as_of_cutoff(day)
        fields = self._saved_at(cutoff)
        known = [c for c in self.changes if c["changed_at"] < cutoff]
        in_effect = [c for c in known if c["effective_from"] <= day]
        if in_effect:
            newest = max(
                in_effect, key=lambda c: (c["effective_from"], c["changed_at"])
            )
            return {**fields, **{name: newest[name] for name in TARGET_FIELDS}}
        # Recorded but not yet in effect: what the first of them replaced. Without
        # saved history, the row holds the newest values: the same applies.
        first = (
            known[0]
            if known
            else (self.changes[0] if not self.saved and self.changes else None)
        )
        if first is not None:
            return {**fields, **_previous_fields(first["previous"])}
        return fields

    def _saved_at(self, cutoff: dt.datetime) -> dict:
        if not self.saved:
            return self.current
        chosen = self.saved[0]
        for row in self.saved:
            if row["history_date"] >= cutoff:
                break
            chosen = row
        return chosen

    def days(self) -> set[dt.date]:
        """Every day on which the definition may have changed."""
        return {effect_day(c) for c in self.changes} | {
            _day_of(row["history_date"]) for row in self.saved
        }

    def scheduled(self, day: dt.date) -> list[dict]:
        """Changes recorded by the end of ``day`` that apply only later."""
        cutoff = as_of_cutoff(day)
        return sorted(
            (
                c
                for c in self.changes
                if c["changed_at"] < cutoff and c["effective_from"] > day
            ),
            key=_change_order,
        )


def _change_order(change: dict) -> tuple:
    return (change["effective_from"], change["changed_at"])


def _previous_fields(previous: dict | None) -> dict:
    original = previous or {}
    return {
        "baseline_value": _decimal(original.get("baseline_value")),
        "baseline_year": _int(original.get("baseline_year")),
        "target_value": _decimal(original.get("target_value")),
        "target_year": _int(original.get("target_year")),
    }


def _decimal(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(text)


def _int(text: str | None) -> int | None:
    return None if text in (None, "") else int(text)


CHANGE_FIELDS = ("pk", "effective_from", "changed_at", "previous", *TARGET_FIELDS)


def definition_histories(
    *, indicator_ids: Iterable[int], rows: Iterable[dict] | None = None
) -> dict[int, DefinitionHistory]:
    """Each indicator's definition over time, in three queries (two when the
    indicators' ``rows`` are given: ``pk``, ``goal_id`` and the definition)."""
    ids = list(indicator_ids)
    if rows is None:
        rows = Indicator.objects.filter(pk__in=ids).values(
            "pk", "goal_id", *DEFINITION_FIELDS
        )
    histories = {row["pk"]: DefinitionHistory(current=row) for row in rows}
    saved = (
        Indicator.history.filter(id__in=ids)
        .order_by("id", "history_date", "history_id")
        .values("id", "history_date", *DEFINITION_FIELDS)
    )
    for row in saved:
        if row["id"] in histories:
            histories[row["id"]].saved.append(row)
    changes = (
        IndicatorTargetChange.objects.filter(indicator_id__in=ids)
        .order_by("indicator_id", "changed_at", "pk")
        .values("indicator_id", *CHANGE_FIELDS)
    )
    for change in changes:
        histories[change["indicator_id"]].changes.append(change)
    return histories


def target_fields_as_of(*, indicator_ids: list[int], as_of: dt.date) -> dict[int, dict]:
    """Baseline and target in effect on a date, by indicator."""
    return {
        pk: {name: history.at(as_of)[name] for name in TARGET_FIELDS}
        for pk, history in definition_histories(indicator_ids=indicator_ids).items()
    }


def definition_from_row(row: dict) -> progress.Definition:
    """The method's view of an indicator, from a ``values()`` row."""

    def number(name: str) -> float | None:
        value = row[name]
        return None if value is None else float(value)

    overrides = row["threshold_overrides"]
    return progress.Definition(
        direction=row["direction"],
        target_year=row["target_year"],
        baseline_value=number("baseline_value"),
        baseline_year=row["baseline_year"],
        target_value=number("target_value"),
        limit=number("limit"),
        thresholds=overrides if isinstance(overrides, dict) else None,
    )


def snapshots_as_of(
    *, indicator_ids: Iterable[int] | None = None, as_of: dt.date | None = None
) -> dict[int, ProgressSnapshot]:
    """Each indicator's newest snapshot at or before ``as_of`` (default today)."""
    owners = None if indicator_ids is None else Q(pk__in=list(indicator_ids))
    rows = newest_as_of(
        ProgressSnapshot,
        "indicator",
        as_of=as_of or timezone.localdate(),
        owners=owners,
    )
    return {s.indicator_id: s for s in rows}


def snapshot_as_of(
    *, indicator_id: int, as_of: dt.date | None = None
) -> ProgressSnapshot | None:
    """The snapshot an "as of" page shows for one indicator, or None."""
    return snapshots_as_of(indicator_ids=[indicator_id], as_of=as_of).get(indicator_id)


# --- Writes ---------------------------------------------------------------------


def _value_change_days(
    ids: list[int], *, since: dt.date | None, broken_down: bool = False
) -> dict[int, set[dt.date]]:
    """The days (Europe/Oslo) from ``since`` on (all with None) on which each
    indicator had a value approved or superseded. Two queries, counted by day
    in the database: a row per indicator and day, not per value."""
    days: dict[int, set[dt.date]] = {}
    zone = timezone.get_default_timezone()
    start = None if since is None else as_of_cutoff(since - dt.timedelta(days=1))
    approved = IndicatorValue.objects.filter(
        indicator_id__in=ids, status=ValueStatus.APPROVED
    ).order_by()
    approved = (
        approved.exclude(breakdown=NATIONAL)
        if broken_down
        else approved.filter(breakdown=NATIONAL)
    )
    for stamp in ("approved_at", "superseded_at"):
        rows = approved.filter(**{f"{stamp}__isnull": False})
        if start is not None:
            rows = rows.filter(**{f"{stamp}__gte": start})
        pairs = (
            rows.annotate(day=TruncDate(stamp, tzinfo=zone))
            .values_list("indicator_id", "day")
            .distinct()
        )
        for pk, day in pairs:
            days.setdefault(pk, set()).add(day)
    return days


@transaction.atomic
def snapshots_record(
    *, indicator_ids: Iterable[int], as_of: dt.date, full: bool = False
) -> SnapshotsRecorded:
    """Bring these indicators' snapshots up to ``as_of``: one for each day since
    their newest snapshot (all days with ``full``) on which their inputs
    changed, and ``as_of`` itself.

    Idempotent: a snapshot is written only where its inputs fingerprint differs
    from the newest one at or before its day. A fixed number of queries however
    many indicators, and one more for each further day whose inputs are read
    (a recompute reads ``as_of`` and the few days since the newest snapshot; a
    first recompute or a backfill every day of the history). The goals are
    rolled up by the caller (``strategy.services.progress_recompute``) in the
    same transaction.
    """
    ids = sorted({int(pk) for pk in indicator_ids})
    # Two recomputes of one indicator must not both find "no snapshot yet" and
    # both write one: lock the indicators first. NO KEY UPDATE does not block
    # new values, whose foreign key takes only a KEY SHARE lock.
    locked = Indicator.objects.select_for_update(no_key=True).filter(pk__in=ids)
    list(locked.order_by("pk").values_list("pk", flat=True))
    # Stamped before reading: an approval stamped later than this that commits
    # after the read below is newer than the snapshot, so the sweep finds it.
    computed_at = timezone.now()
    histories = definition_histories(indicator_ids=ids)
    stored = _stored_keys(ids, as_of=as_of, full=full)
    # Each indicator is walked from its newest snapshot's day on; one without
    # any (or with ``full``) from the beginning.
    since: dict[int, dt.date | None] = {
        pk: None if full or pk not in stored else stored[pk][-1][0] for pk in ids
    }
    known = [day for day in since.values() if day is not None]
    first = min(known) if len(known) == len(ids) else None
    changes = _value_change_days(ids, since=first)
    days = {
        pk: _days(
            changes.get(pk, set())
            | history.days()
            | {day for day, _key in stored.get(pk, [])},
            since=since[pk],
            until=as_of,
        )
        for pk, history in histories.items()
    }
    series = _series_by_day(days)
    new_rows: list[ProgressSnapshot] = []
    goal_days: dict[int, set[dt.date]] = {}
    for pk, history in histories.items():
        newest = NewestKeys(stored.get(pk, []))
        changed = goal_days.setdefault(history.current["goal_id"], set())
        for day in days[pk]:
            points = series[day].get(pk, [])
            definition = definition_from_row(history.at(day))
            key = fingerprint(METHOD_VERSION, definition, points=points)
            if newest.at(day) == key:
                continue
            newest.wrote(key)
            new_rows.append(
                _snapshot(
                    pk, day, computed_at, key, points, definition, ProgressSnapshot
                )
            )
            changed.add(day)
    _snapshots_insert(new_rows)
    return SnapshotsRecorded(
        created=len(new_rows),
        unchanged=len(ids) - len({row.indicator_id for row in new_rows}),
        goal_days=goal_days,
    )


def _days(
    found: set[dt.date], *, since: dt.date | None, until: dt.date
) -> list[dt.date]:
    """The days in ``[since, until]`` (from the beginning with None) among
    ``found``, and ``until``."""
    return sorted(
        {until, *(d for d in found if (since is None or d >= since) and d <= until)}
    )


def _series_by_day(days: dict[int, list[dt.date]]) -> dict[dt.date, dict[int, Series]]:
    """The official series of each indicator on each of its days: one query per
    distinct day, for the indicators that need it."""
    needed: dict[dt.date, list[int]] = {}
    for pk, pk_days in days.items():
        for day in pk_days:
            needed.setdefault(day, []).append(pk)
    return {
        day: indicator_series(indicator_ids=pks, as_of=day)
        for day, pks in needed.items()
    }


def _stored_keys(
    ids: list[int], *, as_of: dt.date, full: bool
) -> dict[int, list[tuple[dt.date, str]]]:
    """Each indicator's stored snapshots up to ``as_of`` as ``(as_of,
    fingerprint)``, by day and then as computed: only the newest, or with
    ``full`` all (to look at every day again). One query."""
    if full:
        rows = ProgressSnapshot.objects.filter(
            indicator_id__in=ids, as_of__lte=as_of
        ).order_by("indicator_id", "as_of", "computed_at", "pk")
    else:
        rows = newest_as_of(
            ProgressSnapshot, "indicator", as_of=as_of, owners=Q(pk__in=ids)
        )
    found: dict[int, list[tuple[dt.date, str]]] = {}
    for pk, day, key in rows.values_list("indicator_id", "as_of", "inputs_fingerprint"):
        found.setdefault(pk, []).append((day, key))
    return found


def _snapshot(
    pk: int,
    day: dt.date,
    computed_at: dt.datetime,
    key: str,
    points: Series,
    definition: progress.Definition,
    model: type[SnapshotT],
    **owner,
) -> SnapshotT:
    """A snapshot (of ``model``: the national series', or with ``breakdown``
    in ``owner`` a broken-down series') of what the method finds."""
    result = progress.compute(points, definition)
    return model(
        indicator_id=pk,
        as_of=day,
        computed_at=computed_at,
        inputs_fingerprint=key,
        method=result.method,
        status=result.status,
        score=result.score,
        progress_value=result.progress_value,
        components=result.components,
        **owner,
    )


COPY_FIELDS = (
    "indicator_id",
    "as_of",
    "computed_at",
    "inputs_fingerprint",
    "method",
    "status",
    "score",
    "progress_value",
    "components",  # last: written as JSON text
)


def _snapshots_insert(rows: list[ProgressSnapshot]) -> None:
    """One INSERT, or on PostgreSQL one COPY.

    A nightly recompute writes a snapshot per indicator; COPY writes 2,000 of
    them about five times faster than a multi-row INSERT, whose thousands of
    parameters the driver must quote one by one (see bench/recompute.py).
    """
    if connection.vendor != "postgresql":
        ProgressSnapshot.objects.bulk_create(rows)
        return
    table = ProgressSnapshot._meta.db_table
    columns = ", ".join(COPY_FIELDS)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            plain = [getattr(row, name) for name in COPY_FIELDS[:-1]]
            copy.write_row([*plain, json.dumps(row.components, allow_nan=False)])


def indicators_needing_recompute() -> list[int]:
    """Indicators whose inputs may be newer than their newest snapshot.

    Never computed; a value approved (or superseded, which happens on an
    approval) or a definition edited after the newest snapshot was computed;
    or a baseline or target change whose effective date has come since the
    newest snapshot's day. A definition edit that does not change the inputs
    (a new name) keeps the indicator here until the next recompute of it.
    """
    snapshots = ProgressSnapshot.objects.filter(indicator=OuterRef("pk"))
    newest_computed = snapshots.order_by("-computed_at").values("computed_at")[:1]
    newest_day = snapshots.order_by("-as_of").values("as_of")[:1]
    approvals = IndicatorValue.objects.filter(
        indicator=OuterRef("pk"), status=ValueStatus.APPROVED
    ).order_by("-approved_at")
    newest_approval = approvals.filter(breakdown=NATIONAL).values("approved_at")[:1]
    # Broken-down series have their own snapshots.
    newest_series_approval = approvals.exclude(breakdown=NATIONAL).values(
        "approved_at"
    )[:1]
    newest_series_computed = (
        SeriesSnapshot.objects.filter(indicator=OuterRef("pk"))
        .order_by("-computed_at")
        .values("computed_at")[:1]
    )
    due_change = IndicatorTargetChange.objects.filter(
        indicator=OuterRef("pk"),
        effective_from__lte=timezone.localdate(),
        effective_from__gt=OuterRef("day"),
    )
    stale = (
        Indicator.objects.annotate(
            computed=Subquery(newest_computed),
            day=Subquery(newest_day),
            approved=Subquery(newest_approval),
            series_approved=Subquery(newest_series_approval),
            series_computed=Subquery(newest_series_computed),
        )
        .filter(
            Q(computed__isnull=True)
            | Q(approved__gt=F("computed"))
            | Q(series_approved__isnull=False, series_computed__isnull=True)
            | Q(series_approved__gt=F("series_computed"))
            | Q(updated_at__gt=F("computed"))
            | Exists(due_change)
        )
        .order_by("pk")
    )
    return list(stale.values_list("pk", flat=True))


# --- Broken-down series ---------------------------------------------------------


def series_definition(row: dict) -> progress.Definition:
    """How a broken-down series is judged: against the indicator's target,
    from the series' own first value. The published baseline is the national
    figure's, not a county's or a sector's."""
    return definition_from_row({**row, "baseline_value": None, "baseline_year": None})


def series_snapshots_as_of(
    *, indicator_id: int, as_of: dt.date | None = None
) -> dict[str, SeriesSnapshot]:
    """Each broken-down series' newest snapshot at or before ``as_of``, by
    breakdown key. One query, whatever the number of series."""
    rows = SeriesSnapshot.objects.filter(
        indicator_id=indicator_id, as_of__lte=as_of or timezone.localdate()
    ).order_by("breakdown", "-as_of", "-computed_at", "-pk")
    if connection.vendor == "postgresql":
        # The newest of each series only: not a model per day of history.
        return {row.breakdown: row for row in rows.distinct("breakdown")}
    newest: dict[str, SeriesSnapshot] = {}
    for row in rows:
        newest.setdefault(row.breakdown, row)
    return newest


@transaction.atomic
def series_snapshots_record(
    *, indicator_ids: Iterable[int], as_of: dt.date, full: bool = False
) -> int:
    """Bring the broken-down series' snapshots of these indicators up to
    ``as_of``, as ``snapshots_record`` does for the national series: one for
    each day on which a series' inputs changed, where its fingerprint differs
    from its newest one. Returns the number written.

    Reads nothing more for indicators without broken-down values (one query);
    otherwise a fixed number of queries and one per day whose inputs are read.
    """
    ids = sorted(
        IndicatorValue.objects.filter(indicator_id__in=list(indicator_ids))
        .exclude(breakdown=NATIONAL)
        .order_by()
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    if not ids:
        return 0
    computed_at = timezone.now()
    histories = definition_histories(indicator_ids=ids)
    stored: dict[tuple[int, str], list[tuple[dt.date, str]]] = {}
    rows = SeriesSnapshot.objects.filter(indicator_id__in=ids, as_of__lte=as_of)
    for pk, breakdown, day, key in rows.order_by(
        "indicator_id", "breakdown", "as_of", "computed_at", "pk"
    ).values_list("indicator_id", "breakdown", "as_of", "inputs_fingerprint"):
        stored.setdefault((pk, breakdown), []).append((day, key))
    newest_day: dict[int, dt.date] = {}
    for (pk, _breakdown), keys in stored.items():
        newest_day[pk] = min(newest_day.get(pk, keys[-1][0]), keys[-1][0])
    since = {pk: None if full else newest_day.get(pk) for pk in ids}
    known = [day for day in since.values() if day is not None]
    first = min(known) if len(known) == len(ids) else None
    changes = _value_change_days(ids, since=first, broken_down=True)
    days = {
        pk: _days(
            changes.get(pk, set()) | history.days(),
            since=since[pk],
            until=as_of,
        )
        for pk, history in histories.items()
    }
    needed: dict[dt.date, list[int]] = {}
    for pk, pk_days in days.items():
        for day in pk_days:
            needed.setdefault(day, []).append(pk)
    newest = {key: NewestKeys(keys) for key, keys in stored.items()}
    new_rows: list[SeriesSnapshot] = []
    for day in sorted(needed):
        series = breakdown_series(indicator_ids=needed[day], as_of=day)
        owners = set(series) | {key for key in stored if key[0] in needed[day]}
        for pk, breakdown in sorted(owners):
            points = series.get((pk, breakdown), [])
            definition = series_definition(histories[pk].at(day))
            key = fingerprint(METHOD_VERSION, definition, points=points)
            walker = newest.setdefault((pk, breakdown), NewestKeys([]))
            if walker.at(day) == key:
                continue
            walker.wrote(key)
            new_rows.append(
                _snapshot(
                    pk,
                    day,
                    computed_at,
                    key,
                    points,
                    definition,
                    SeriesSnapshot,
                    breakdown=breakdown,
                )
            )
    SeriesSnapshot.objects.bulk_create(new_rows, batch_size=2000)
    return len(new_rows)
