"""Reads for the audit page: every recorded change of governance data.

django-simple-history keeps one historical table per model; this module reads
the audited ones, newest first, and describes each change as before/after.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import User
from .numbers import decimal_text
from .texts import NORWEGIAN_CONTENT

# Governance data whose every change the council must be able to trace.
AUDITED_MODELS = (
    "strategy.Goal",
    "strategy.SubGoal",
    "strategy.PlanVersion",
    "indicators.Indicator",
    "indicators.IndicatorValue",
    "initiatives.Initiative",
    "initiatives.Delivery",
    "initiatives.StatusReport",
    "councils.Meeting",
    "councils.AgendaItem",
    "councils.Decision",
    "councils.DecisionAmendment",
    "councils.FollowUpAction",
    "councils.Membership",
    "core.Organisation",
    "core.ApiKey",
)
CHANGE_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    model: str  # verbose name
    model_label: str
    object_id: int
    object_repr: str
    kind: str  # created, changed, deleted
    user: str
    reason: str
    changes: list[tuple[str, str, str]]  # field, before, after
    lang: str = ""  # "nb" for the strategy's own texts (core.texts)


def audited_models():
    for label in AUDITED_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:  # an app not installed in this configuration
            continue
        if hasattr(model, "history"):
            yield label, model


def audit_entries(
    *,
    model_label: str | None = None,
    username: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    """The newest ``limit`` changes matching the filters, across audited models."""
    filters = Q()
    if username:
        filters &= Q(history_user__username=username)
    if since:
        filters &= Q(history_date__date__gte=since)
    if until:
        filters &= Q(history_date__date__lte=until)
    records = []
    for label, model in audited_models():
        if model_label and label != model_label:
            continue
        records += list(
            model.history.filter(filters)
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        )
    records.sort(key=lambda record: record.history_date, reverse=True)
    related: dict = {}  # (model, pk) -> text: each linked row read once
    return [_entry(record, related) for record in records[:limit]]


def _entry(record, related: dict) -> AuditEntry:
    model = record.instance_type
    changes = []
    previous = record.prev_record if record.history_type == "~" else None
    if previous is not None:
        delta = record.diff_against(previous)
        changes = [
            (
                str(_field_label(model, c.field)),
                _value_text(model, c.field, c.old, related),
                _value_text(model, c.field, c.new, related),
            )
            for c in delta.changes
        ]
    return AuditEntry(
        at=record.history_date,
        model=str(model._meta.verbose_name),
        model_label=model._meta.label,
        object_id=record.id,
        object_repr=str(record.history_object)[:200],
        kind=CHANGE_KINDS.get(record.history_type, record.history_type),
        user=record.history_user.get_username() if record.history_user else "",
        reason=record.history_change_reason or "",
        changes=changes,
        lang="nb" if model._meta.label_lower in NORWEGIAN_CONTENT else "",
    )


def _field_label(model, name: str) -> str:
    try:
        return model._meta.get_field(name).verbose_name
    except Exception:  # noqa: BLE001 - a field removed since the record was made
        return name


def _value_text(model, name: str, value, related: dict) -> str:
    """A stored value as people read it: a choice's label, a number and a time
    in the language's format, a linked row by its name, never the raw value
    ("submitted", "1.000000", "2026-12-01 19:32:40+00:00", a user's id)."""
    if value is None or value == "":
        return ""
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field removed since the record was made
        field = None
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))[:200]
    if field is not None and field.is_relation and field.related_model:
        return _related_text(field.related_model, value, related)
    return _plain_text(value)[:200]


def _plain_text(value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _related_text(model, pk, related: dict) -> str:
    key = (model._meta.label, pk)
    if key not in related:
        row = model._default_manager.filter(pk=pk).first()
        related[key] = str(row)[:200] if row is not None else f"#{pk}"
    return related[key]


# The history row's reason column holds this many characters.
REASON_MAX = 100


def history_by(instance: models.Model, user: User | None, reason: str = "") -> None:
    """Who makes the next save of ``instance``, and why, for its history row.

    django-simple-history reads these two attributes off the instance; set
    them here, not by hand, so every writer records them the same way.
    """
    setattr(instance, "_history_user", user)  # noqa: B010 - not a model field
    setattr(instance, "_change_reason", reason[:REASON_MAX] or None)  # noqa: B010
