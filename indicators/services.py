"""Writes of the indicators app: values, their approval, and definitions.

Demo data is loaded by ``demo.py``, import files by ``imports.py``.
"""

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from core.audit import history_by
from core.db import Among
from core.models import User
from core.roles import Role, user_has_role
from core.selectors import persons_behind
from core.upsert import UpsertCounts

from . import staging
from .breakdowns import breakdown_parse
from .code_lists import code_lists_load
from .models import (
    BreakdownCategory,
    BreakdownDimension,
    Frequency,
    Indicator,
    IndicatorTargetChange,
    IndicatorValue,
    ValueInput,
    ValueKey,
    ValueStatus,
)
from .parsing import InputError, period_label, text_check
from .scopes import EVERYTHING, WriteScope
from .selectors import ValueHead, breakdown_codes, indicator_breakdowns, value_heads

logger = logging.getLogger(__name__)


def progress_recompute_enqueue(indicator_ids: Iterable[int | str]) -> None:
    """Queue a recompute for these indicators once the current transaction commits.

    If the broker is unreachable the write that called this still succeeds:
    the periodic sweep finds indicators whose inputs are newer than their
    newest snapshot and catches up.
    """
    ids = sorted({int(pk) for pk in indicator_ids})
    if not ids:
        return

    # The task calls back into this app's services: imported where it is used.
    from .tasks import progress_recompute_task

    def send() -> None:
        try:
            progress_recompute_task.delay(ids)
        except Exception:  # noqa: BLE001 - any broker failure; the sweep catches up
            logger.warning("Broker unreachable; sweep will recompute %s", ids)

    transaction.on_commit(send)


# --- Values -----------------------------------------------------------------

BATCH_SIZE = 2000
CORRECTION_NEEDS_COMMENT = gettext_lazy("A correction needs a comment saying why.")
SUPERSEDED_REASON = "superseded by a newer revision"
# From this many new revisions on, PostgreSQL writes them set-based
# (staging.py): a temporary table costs a few ms, the ORM ~0.3 ms a row.
STAGING_THRESHOLD = 100
# Plain strings for the per-item loops (an enum member compares slower).
APPROVED = ValueStatus.APPROVED.value
_PERIOD_MONTHS = {
    Frequency.ANNUAL.value: (1,),
    Frequency.QUARTERLY.value: (1, 4, 7, 10),
}


class ErrorCode(StrEnum):
    """Why a value was refused; views, forms and the API map these, never texts."""

    INVALID = "invalid"  # breaks a rule of value_check
    NEEDS_COMMENT = "needs_comment"  # a correction without a comment saying why
    DUPLICATE = "duplicate"  # the same value key twice in one batch
    REQUIRED = "required"  # nothing chosen, or no reason given
    FORBIDDEN = "forbidden"  # the role may not do this
    GONE = "gone"  # a chosen value no longer exists
    NOT_PENDING = "not_pending"  # no longer waits for a decision
    OWN_ENTRY = "own_entry"  # four eyes: the decider entered it
    CONFLICT = "conflict"  # two revisions of one period approved at once


@dataclass(frozen=True)
class ItemError:
    """Why one item, or the whole request, was refused: a code for programs, the
    field it concerns (None: the item as a whole) and a message for people."""

    code: ErrorCode
    message: str
    field: str | None = None

    def __str__(self) -> str:
        return self.message


class ValueRejected(Exception):
    """Values that cannot be recorded or approved; nothing was written.

    ``errors`` maps an item's position (or a value's id when deciding, or
    ``None`` for the whole request) to why.
    """

    def __init__(self, errors: dict[int | None, ItemError]):
        super().__init__("; ".join(e.message for e in errors.values()))
        self.errors = errors

    def has(self, code: ErrorCode) -> bool:
        return any(error.code == code for error in self.errors.values())


def _rejected(code: ErrorCode, message: str) -> ValueRejected:
    """A refusal of the request as a whole."""
    return ValueRejected({None: ItemError(code, message)})


@dataclass(frozen=True)
class PlannedValue:
    """What recording an input would do: ``created``, ``revised`` or ``unchanged``
    (or ``error``, with the reason)."""

    item: ValueInput
    outcome: str
    head: ValueHead | None = None
    error: ItemError | None = None


def value_check(
    *,
    indicator: Indicator,
    period_start: dt.date,
    value: Decimal,
    today: dt.date | None = None,
) -> None:
    """The rules every value obeys, however it arrives; raises InputError."""
    if period_start.day != 1 or not _period_fits(period_start, indicator.frequency):
        raise InputError(
            _(
                "%(period)s does not start a period of the indicator's "
                "frequency (%(frequency)s)."
            )
            % {
                "period": period_start.isoformat(),
                "frequency": indicator.get_frequency_display(),
            }
        )
    if period_start > (today or timezone.localdate()):
        raise InputError(
            _("The period %(period)s lies in the future.")
            % {"period": period_label(period_start, indicator.frequency)}
        )
    if indicator.unit == "percent" and not Decimal(0) <= value <= Decimal(100):
        raise InputError(_("A percentage must lie between 0 and 100."))


class SeriesCheck:
    """Whether a value's breakdown is one its indicator declares, with codes of
    the dimensions' code lists. Reads nothing for national values; two queries
    for a batch with broken-down ones, however many."""

    def __init__(self, declared: dict[int, set[str]], codes: dict[str, set[str]]):
        self.declared = declared
        self.codes = codes
        # A batch repeats a few series over many periods: each (indicator,
        # key) is parsed and checked once (it was half the bulk's extra cost).
        self.accepted: set[tuple[int, str]] = set()

    @classmethod
    def for_items(cls, items: Sequence[ValueInput]) -> "SeriesCheck":
        ids = {item.indicator.pk for item in items if item.breakdown}
        if not ids:
            return cls({}, {})
        declared = indicator_breakdowns(indicator_ids=ids)
        return cls(declared, breakdown_codes(set().union(*declared.values())))

    def check(self, indicator: Indicator, key: str) -> None:
        """Raises InputError (with ``field`` "breakdown") if the key is refused."""
        if not key or (indicator.pk, key) in self.accepted:
            return
        declared = self.declared.get(indicator.pk, set())
        for dimension, category in breakdown_parse(key).items():
            if dimension not in declared:
                raise InputError(
                    _(
                        "%(indicator)s is not broken down by “%(dimension)s”"
                        " (it is by: %(declared)s)."
                    )
                    % {
                        "indicator": indicator.code,
                        "dimension": dimension,
                        "declared": ", ".join(sorted(declared)) or _("nothing"),
                    },
                    field="breakdown",
                )
            if category not in self.codes.get(dimension, ()):
                raise InputError(
                    _("“%(code)s” is not a code of the dimension “%(dimension)s”.")
                    % {"code": category, "dimension": dimension},
                    field="breakdown",
                )
        self.accepted.add((indicator.pk, key))


def _period_fits(start: dt.date, frequency: str) -> bool:
    months = _PERIOD_MONTHS.get(frequency)
    return months is None or start.month in months


def values_plan(
    *, items: Sequence[ValueInput], status: str = ValueStatus.SUBMITTED
) -> list[PlannedValue]:
    """Say, without writing, what recording these inputs would do, item by item.

    Compares each input with the period's newest pending revision, or else its
    official value: equal → unchanged; none → created; otherwise a revision,
    which needs a comment.
    """
    heads = value_heads(
        indicator_ids={item.indicator.pk for item in items},
        period_starts={item.period_start for item in items},
    )
    series = SeriesCheck.for_items(items)
    planned, today = [], timezone.localdate()
    for item in items:
        pending, official = heads.get(item.key, (None, None))
        planned.append(
            _value_plan_one(item, pending or official, status, today, series)
        )
    return planned


def _value_plan_one(
    item: ValueInput,
    head: ValueHead | None,
    status: str,
    today: dt.date,
    series: "SeriesCheck",
) -> PlannedValue:
    try:
        value_check(
            indicator=item.indicator,
            period_start=item.period_start,
            value=item.value,
            today=today,
        )
        series.check(item.indicator, item.breakdown)
    except InputError as exc:
        error = ItemError(ErrorCode.INVALID, str(exc), exc.field)
        return PlannedValue(item, "error", head, error)
    if head is None:
        return PlannedValue(item, "created")
    same_status = head.status in (status, APPROVED)
    if head.value == item.value and same_status:
        return PlannedValue(item, "unchanged", head)
    if not item.comment.strip():
        error = ItemError(
            ErrorCode.NEEDS_COMMENT, str(CORRECTION_NEEDS_COMMENT), "comment"
        )
        return PlannedValue(item, "error", head, error)
    return PlannedValue(item, "revised", head)


def values_record(
    *,
    items: Sequence[ValueInput],
    user: User | None,
    source: str,
    status: str = ValueStatus.SUBMITTED,
    scope: WriteScope = EVERYTHING,
) -> list[PlannedValue]:
    """Record values as new revisions, all or nothing; returns each item's outcome.

    A value enters as submitted (or draft), never approved. A revision
    ``supersedes`` the period's previous head; a pending head it replaces is
    marked superseded so that only the newest revision waits for approval.
    Raises ValueRejected, writing nothing, if any item is refused (or lies
    outside the writer's ``scope``).
    """
    if status not in (ValueStatus.DRAFT, ValueStatus.SUBMITTED):
        raise _rejected(ErrorCode.INVALID, _("Values enter as draft or submitted."))
    _scope_check(scope, {item.indicator.pk: item.indicator for item in items})
    _items_check_unique(items)
    with transaction.atomic():
        _indicators_lock({item.indicator.pk for item in items})
        planned = values_plan(items=items, status=status)
        errors: dict[int | None, ItemError] = {
            i: p.error for i, p in enumerate(planned) if p.error is not None
        }
        if errors:
            raise ValueRejected(errors)
        _values_write(planned, user=user, source=source, status=status)
    return planned


def _scope_check(scope: WriteScope, indicators: dict[int, Indicator]) -> None:
    if refusal := scope.refusal(indicators.values()):
        raise _rejected(ErrorCode.FORBIDDEN, refusal)


def _items_check_unique(items: Sequence[ValueInput]) -> None:
    if len({item.key for item in items}) == len(items):
        return
    seen: dict[ValueKey, int] = {}
    errors: dict[int | None, ItemError] = {}
    for i, item in enumerate(items):
        key = item.key
        if key in seen:
            message = (
                _("The same period and breakdown appear twice (also item %(n)d).")
                if key.breakdown
                else _("The same period appears twice (also item %(n)d).")
            ) % {"n": seen[key] + 1}
            errors[i] = ItemError(ErrorCode.DUPLICATE, message)
        seen.setdefault(key, i)
    if errors:
        raise ValueRejected(errors)


def _indicators_lock(indicator_ids: Iterable[int]) -> None:
    # Two writers recording the same period would otherwise both see the same
    # head and both create a revision of it; lock in pk order against deadlocks.
    list(
        Indicator.objects.select_for_update()
        .filter(pk__in=sorted(indicator_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _values_write(
    planned: Sequence[PlannedValue], *, user: User | None, source: str, status: str
) -> None:
    now, user_id = timezone.now(), getattr(user, "pk", None)
    changes = [p for p in planned if p.outcome in ("created", "revised")]
    # A pending head that gets a newer revision leaves the approval queue.
    replaced = [p.head.pk for p in changes if p.head and p.head.status != APPROVED]
    # What differs from one new revision to the next, in ``staging.STAGED``
    # order; ``fixed`` is the same for the whole batch.
    rows = [
        (
            *p.item.key,
            p.item.indicator.frequency,
            p.item.value,
            p.item.comment.strip(),
            p.head.pk if p.head else None,
        )
        for p in changes
    ]
    fixed = {
        "status": status,
        "source": source,
        "entered_by_id": user_id,
        "entered_at": now,
    }
    _values_update(
        replaced, {"superseded_at": now}, user=user, at=now, reason=SUPERSEDED_REASON
    )
    if _set_based(len(rows)):
        staging.revisions_insert(
            rows, fixed=fixed, history_date=now, reason=source, user_id=user_id
        )
        return
    bulk_create_with_history(
        [
            IndicatorValue(**dict(zip(staging.STAGED, row, strict=True)), **fixed)
            for row in rows
        ],
        IndicatorValue,
        batch_size=BATCH_SIZE,
        default_user=user,
        default_change_reason=source,
    )


def _set_based(rows: int) -> bool:
    """Whether this many rows are written by ``staging``'s set-based SQL."""
    return connection.vendor == "postgresql" and rows >= STAGING_THRESHOLD


def value_submit(*, value: IndicatorValue, user: User) -> IndicatorValue:
    """Send a draft for approval."""
    with transaction.atomic():
        # Two clicks at once would otherwise both submit the same draft.
        value = IndicatorValue.objects.select_for_update().get(pk=value.pk)
        if value.status != ValueStatus.DRAFT or value.superseded_at:
            raise _rejected(
                ErrorCode.NOT_PENDING, _("Only a current draft can be submitted.")
            )
        value.status = ValueStatus.SUBMITTED
        history_by(value, user)
        value.save(update_fields=["status"])
    return value


class DecidedValue(NamedTuple):
    """What deciding on a value needs to know of it (read under its lock)."""

    pk: int
    indicator_id: int
    indicator__code: str
    period_start: dt.date
    granularity: str
    status: str
    superseded_at: dt.datetime | None
    entered_by_id: int | None
    official_id: int | None  # the period's official value, which approval replaces


def values_approve(*, value_ids: Iterable[int], user: User) -> list[DecidedValue]:
    """Approve submitted values (four eyes), all or nothing.

    The period's previously approved value gets ``superseded_at`` in the same
    transaction, so there is always at most one official value. Any number of
    values costs the same few statements (``_values_update``).
    """
    with transaction.atomic():
        rows = _values_lock_for_decision(value_ids, user)
        now = timezone.now()
        previous = _values_lock([row.official_id for row in rows if row.official_id])
        _values_update(
            previous,
            {"superseded_at": now},
            user=user,
            at=now,
            reason="superseded by an approved correction",
        )
        approval = {"status": APPROVED, "approved_by_id": user.pk, "approved_at": now}
        try:
            with transaction.atomic():
                _values_update(
                    [row.pk for row in rows],
                    approval,
                    user=user,
                    at=now,
                    reason="approved",
                )
        except IntegrityError as exc:
            raise _rejected(
                ErrorCode.CONFLICT,
                _("Two values for the same period cannot both be approved."),
            ) from exc
        progress_recompute_enqueue([r.indicator_id for r in rows])
    return rows


def values_reject(
    *, value_ids: Iterable[int], user: User, reason: str
) -> list[DecidedValue]:
    """Reject submitted values with a reason (four eyes), all or nothing.

    The reason is shown and exported like a comment: no formula (text_check).
    """
    if not reason.strip():
        raise ValueRejected(
            {
                None: ItemError(
                    ErrorCode.REQUIRED, _("Give a reason for the rejection."), "reason"
                )
            }
        )
    try:
        reason = text_check(reason)
    except InputError as exc:
        error = ItemError(ErrorCode.INVALID, str(exc), "reason")
        raise ValueRejected({None: error}) from None
    with transaction.atomic():
        rows = _values_lock_for_decision(value_ids, user)
        _values_update(
            [row.pk for row in rows],
            {"status": ValueStatus.REJECTED.value, "rejection_reason": reason.strip()},
            user=user,
            at=timezone.now(),
            reason="rejected",
        )
    return rows


def _values_lock_for_decision(
    value_ids: Iterable[int], user: User
) -> list[DecidedValue]:
    if not user_has_role(user, Role.APPROVER):
        raise _rejected(
            ErrorCode.FORBIDDEN, _("Only an approver may approve or reject values.")
        )
    ids = sorted({int(pk) for pk in value_ids})
    if not ids:
        raise _rejected(ErrorCode.REQUIRED, _("Choose at least one value."))
    chosen = IndicatorValue.objects.filter(Among(F("pk"), ids))
    # Two approvers deciding at once would otherwise both act on the same
    # submitted value, or both approve revisions of one period. Indicators
    # first, then values, each in pk order, as every writer of values does.
    _indicators_lock(
        chosen.order_by().values_list("indicator_id", flat=True).distinct()
    )
    official = IndicatorValue.objects.filter(
        indicator_id=OuterRef("indicator_id"),
        period_start=OuterRef("period_start"),
        breakdown=OuterRef("breakdown"),
        status=APPROVED,
        superseded_at__isnull=True,
    )
    # A subquery per chosen value, not a join: driven by the chosen values, so
    # its cost follows their number, whatever the planner thinks of the rest.
    rows = [
        DecidedValue(*row)
        for row in chosen.select_for_update(of=("self",))
        .annotate(official_id=Subquery(official.order_by().values("pk")[:1]))
        .order_by("pk")
        .values_list(*DecidedValue._fields)
    ]
    errors = _decision_errors(rows, ids, user)
    if errors:
        raise ValueRejected(errors)
    return rows


def _values_lock(value_ids: list[int]) -> list[int]:
    """Lock these values in pk order (the indicators are locked already)."""
    if not value_ids:
        return []
    return list(
        IndicatorValue.objects.select_for_update()
        .filter(Among(F("pk"), value_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _values_update(
    ids: Sequence[int],
    fields: dict[str, Any],
    *,
    user: User | None,
    at: dt.datetime,
    reason: str,
) -> None:
    """Set ``fields`` (by attname) on these values, with a "~" history row each.

    A fixed number of statements whatever the number of values: simple_history's
    ``bulk_update_with_history`` sends one UPDATE with a CASE branch per value,
    which PostgreSQL's JIT compiled for minutes at 9,000 values.
    """
    if not ids:
        return
    if _set_based(len(ids)):
        staging.revisions_update(
            ids,
            fields=fields,
            history_date=at,
            reason=reason,
            user_id=getattr(user, "pk", None),
        )
        return
    values = IndicatorValue.objects.filter(Among(F("pk"), ids))
    values.update(**fields)
    IndicatorValue.history.bulk_history_create(
        values.order_by("pk"),
        batch_size=BATCH_SIZE,
        update=True,
        default_user=user,
        default_change_reason=reason,
        default_date=at,
    )


def _decision_errors(
    rows: list[DecidedValue], ids: list[int], user: User
) -> dict[int | None, ItemError]:
    """Four eyes and freshness: the one place these rules are checked.

    Four eyes compares people, not accounts (``core.selectors.persons_behind``):
    nobody decides on what they entered through their own account or through
    an API key they own, nor a key on what its owner or the owner's other keys
    entered.
    """
    errors: dict[int | None, ItemError] = {}
    if len(rows) != len(ids):
        errors[None] = ItemError(
            ErrorCode.GONE, _("Some of the chosen values no longer exist.")
        )
    persons = persons_behind(
        {user.pk, *(row.entered_by_id for row in rows if row.entered_by_id)}
    )
    decider = persons[user.pk]
    for row in rows:
        label = (
            f"{row.indicator__code} {period_label(row.period_start, row.granularity)}"
        )
        if row.status != ValueStatus.SUBMITTED or row.superseded_at:
            message = _("%(value)s no longer waits for approval.") % {"value": label}
            errors[row.pk] = ItemError(ErrorCode.NOT_PENDING, message)
        elif row.entered_by_id and persons[row.entered_by_id] & decider:
            message = _(
                "%(value)s was entered by you, or by an API key of yours; another "
                "person must decide on it."
            ) % {"value": label}
            errors[row.pk] = ItemError(ErrorCode.OWN_ENTRY, message)
    return errors


# --- Indicator definitions ---------------------------------------------------


def indicator_create(
    *, user: User, fields: dict[str, Any], scope: WriteScope = EVERYTHING
) -> Indicator:
    """Define a new indicator (the secretariat's job: none are published).

    Raises OutsideScope when its goal lies outside the writer's ``scope``.
    """
    fields = dict(fields)
    breakdowns = fields.pop("breakdowns", None)
    indicator = Indicator(**fields)
    scope.definition_check([indicator])
    indicator.full_clean()
    history_by(indicator, user)
    with transaction.atomic():
        indicator.save()
        if breakdowns:
            indicator.breakdowns.set(breakdowns)
    return indicator


def indicator_update(
    *,
    indicator: Indicator,
    user: User,
    fields: dict[str, Any],
    change_reason: str = "",
    effective_from: dt.date | None = None,
    scope: WriteScope = EVERYTHING,
    decision_id: int | None = None,
) -> Indicator:
    """Change an indicator's definition; a new baseline or target is recorded.

    A baseline/target change needs a reason and a date from which it applies;
    it is kept as an IndicatorTargetChange so earlier statuses can be rebuilt,
    with the council decision that made it (``decision_id``), if one did.
    Raises OutsideScope when the indicator lies outside the writer's
    ``scope``, before the change or after it (a move to another goal).
    """
    with transaction.atomic():
        # Two editors saving at once would otherwise record one target change
        # against a definition the other had already replaced.
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        scope.definition_check([indicator])
        before = {name: getattr(indicator, name) for name in Indicator.TARGET_FIELDS}
        frequency = indicator.frequency
        fields = dict(fields)
        breakdowns = fields.pop("breakdowns", None)
        if breakdowns is not None:
            _breakdowns_set(indicator, breakdowns)
        for name, value in fields.items():
            setattr(indicator, name, value)
        scope.definition_check([indicator])
        indicator.full_clean()
        if indicator.frequency != frequency and indicator.values.exists():
            raise ValidationError(
                {
                    "frequency": _(
                        "The frequency cannot change once values are recorded: "
                        "their periods would no longer fit."
                    )
                }
            )
        after = {name: getattr(indicator, name) for name in Indicator.TARGET_FIELDS}
        if before != after:
            _target_change_record(
                indicator, user, before, change_reason, effective_from, decision_id
            )
        # The full reason is kept on the IndicatorTargetChange; the history
        # row's reason column holds its start.
        history_by(indicator, user, change_reason)
        indicator.save()
        progress_recompute_enqueue([indicator.pk])
    return indicator


def _breakdowns_set(indicator: Indicator, dimensions: Iterable[Any]) -> None:
    """Declare the dimensions; one with values recorded cannot be dropped."""
    codes = {dimension.code for dimension in dimensions}
    dropped = set(indicator.breakdowns.values_list("code", flat=True)) - codes
    used = sorted(
        dimension
        for dimension in dropped
        if indicator.values.filter(
            Q(breakdown__startswith=f"{dimension}:")
            | Q(breakdown__contains=f",{dimension}:")
        ).exists()
    )
    if used:
        raise ValidationError(
            {
                "breakdowns": _(
                    "Values are recorded by %(dimensions)s: such a breakdown "
                    "cannot be removed."
                )
                % {"dimensions": ", ".join(used)}
            }
        )
    indicator.breakdowns.set(list(dimensions))


def _target_change_record(
    indicator: Indicator,
    user: User,
    before: dict[str, Any],
    reason: str,
    effective_from: dt.date | None,
    decision_id: int | None,
) -> None:
    errors = {}
    if not reason.strip():
        errors["change_reason"] = _("Say why the baseline or target changes.")
    if effective_from is None:
        errors["effective_from"] = _("Say from which date the change applies.")
    if errors or effective_from is None:
        raise ValidationError(errors)
    change = IndicatorTargetChange(
        indicator=indicator,
        effective_from=effective_from,
        **{name: getattr(indicator, name) for name in Indicator.TARGET_FIELDS},
        previous={k: None if v is None else str(v) for k, v in before.items()},
        reason=reason.strip(),
        changed_by=user,
        changed_at=timezone.now(),
        decision_id=decision_id,
    )
    history_by(change, user)
    change.save()


# --- Breakdown code lists ------------------------------------------------------


def code_lists_load_builtin(*, counts: UpsertCounts) -> None:
    """The built-in dimensions and code lists (regions, sectors), as migration
    0011 loads them: again after a database was emptied, or to update names."""
    created = code_lists_load(BreakdownDimension, BreakdownCategory)
    for _row in range(created):
        counts.add("breakdowncategory", "created")
