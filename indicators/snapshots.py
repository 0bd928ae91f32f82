"""Progress snapshots: the progress engine's writes and its as-of reads.

A value is official at time ``t`` when it is approved, ``approved_at <= t`` and
it was not yet superseded (``superseded_at`` empty or later than ``t``). "As of
a date" means at the end of that day in Europe/Oslo, so that a council meeting
on a date sees everything approved that day.

Every function here works on many indicators in a fixed number of queries.
"""

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from psycopg.types.numeric import FloatLoader

from core.asof import as_of_cutoff, fingerprint, last_fingerprints, newest_as_of

from . import progress
from .models import (
    Indicator,
    IndicatorTargetChange,
    IndicatorValue,
    ProgressSnapshot,
    ValueStatus,
)

# Part of every fingerprint: bump it when the method's code changes its results,
# so that the next recompute writes new snapshots instead of keeping stale ones.
METHOD_VERSION = "2026-12-1"

TARGET_FIELDS = Indicator.TARGET_FIELDS
# What the method reads of an indicator; editing anything else changes nothing.
DEFINITION_FIELDS = ("direction", *TARGET_FIELDS, "limit", "threshold_overrides")

Series = list[tuple[float, float]]


@dataclass(frozen=True)
class SnapshotsRecorded:
    """What a recompute of indicator snapshots wrote, and whose goals to roll up."""

    created: int
    unchanged: int
    goal_ids: list[int]


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
        .filter(indicator_id__in=ids)
        .order_by("indicator_id", "period_start", "approved_at")
        .values_list("indicator_id", "period_start", "value")
    )
    times: dict[dt.date, float] = {}  # few distinct periods among many rows
    series: dict[int, Series] = {}
    points: Series = []
    current_id = last_start = None
    # Rows come grouped by indicator and period: plain appends, no lookups.
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


def target_fields_as_of(*, indicator_ids: list[int], as_of: dt.date) -> dict[int, dict]:
    """Baseline and target in effect on a date, where they differ from the row.

    The indicator row holds the newest definition; each IndicatorTargetChange
    says from which date its values apply and keeps the ones it replaced. On a
    date before every change of an indicator, the values the first recorded
    change replaced apply. One query.
    """
    changes = (
        IndicatorTargetChange.objects.filter(indicator_id__in=indicator_ids)
        .order_by("indicator_id", "changed_at", "pk")
        .values(
            "indicator_id", "effective_from", "changed_at", "previous", *TARGET_FIELDS
        )
    )
    by_indicator: dict[int, list[dict]] = {}
    for change in changes:
        by_indicator.setdefault(change["indicator_id"], []).append(change)
    return {
        pk: _target_fields_in_effect(recorded, as_of)
        for pk, recorded in by_indicator.items()
    }


def _target_fields_in_effect(recorded: list[dict], as_of: dt.date) -> dict:
    in_effect = [c for c in recorded if c["effective_from"] <= as_of]
    if in_effect:
        newest = max(in_effect, key=lambda c: (c["effective_from"], c["changed_at"]))
        return {name: newest[name] for name in TARGET_FIELDS}
    original = recorded[0]["previous"] or {}
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


@transaction.atomic
def snapshots_record(
    *, indicator_ids: Iterable[int], as_of: dt.date
) -> SnapshotsRecorded:
    """Write these indicators' snapshots as of a date where their inputs changed.

    Idempotent: a snapshot is written only when its inputs fingerprint differs
    from the newest one for the same indicator and date. A fixed number of
    queries however many indicators are given. The goals are rolled up by the
    caller (``strategy.services.progress_recompute``).
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
    definitions = Indicator.objects.filter(pk__in=ids).values(
        "pk", "goal_id", *DEFINITION_FIELDS
    )
    in_effect = target_fields_as_of(indicator_ids=ids, as_of=as_of)
    series = indicator_series(indicator_ids=ids, as_of=as_of)
    previous = last_fingerprints(
        ProgressSnapshot, "indicator_id", owner_ids=ids, as_of=as_of
    )
    new_rows, goal_ids = [], set()
    for row in definitions:
        goal_ids.add(row["goal_id"])
        points = series.get(row["pk"], [])
        definition = definition_from_row({**row, **in_effect.get(row["pk"], {})})
        key = fingerprint(METHOD_VERSION, definition, points=points)
        if previous.get(row["pk"]) == key:
            continue
        result = progress.compute(points, definition)
        new_rows.append(
            ProgressSnapshot(
                indicator_id=row["pk"],
                as_of=as_of,
                computed_at=computed_at,
                inputs_fingerprint=key,
                method=result.method,
                status=result.status,
                score=result.score,
                progress_value=result.progress_value,
                components=result.components,
            )
        )
    _snapshots_insert(new_rows)
    return SnapshotsRecorded(
        created=len(new_rows),
        unchanged=len(ids) - len(new_rows),
        goal_ids=sorted(goal_ids),
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

    Never computed, a value approved (or superseded, which happens on an
    approval) after the newest snapshot, or a definition edited after it.
    A definition edit that does not change the inputs (a new name) keeps the
    indicator here until the next day's recompute writes that day's snapshot.
    """
    newest_snapshot = (
        ProgressSnapshot.objects.filter(indicator=OuterRef("pk"))
        .order_by("-computed_at")
        .values("computed_at")[:1]
    )
    newest_approval = (
        IndicatorValue.objects.filter(
            indicator=OuterRef("pk"), status=ValueStatus.APPROVED
        )
        .order_by("-approved_at")
        .values("approved_at")[:1]
    )
    stale = (
        Indicator.objects.annotate(
            computed=Subquery(newest_snapshot), approved=Subquery(newest_approval)
        )
        .filter(
            Q(computed__isnull=True)
            | Q(approved__gt=F("computed"))
            | Q(updated_at__gt=F("computed"))
        )
        .order_by("pk")
    )
    return list(stale.values_list("pk", flat=True))
