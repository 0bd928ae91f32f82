"""The indicators API's input and output shapes (ARCHITECTURE.md §5).

Value batches of up to ``MAX_BATCH_ITEMS`` items are checked by
``value_items_parse``, a plain function, not by a serializer per item: DRF's
per-field machinery costs ~0.1 ms an item, seconds for a large batch. The
``ValueItemInput`` serializers below describe the same items for the schema.
"""

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core.api import NON_FIELD, TooLarge
from core.codes import CODE_PATTERN
from core.models import Organisation
from core.serializers import CodeField, TextField, TextRegexField
from strategy.models import Goal

from .breakdowns import (
    CODE_PATTERN as BREAKDOWN_CODE,
)
from .breakdowns import (
    NATIONAL,
    BreakdownError,
    breakdown_key,
    breakdown_parse,
)
from .jsonstat import dataset_read
from .models import (
    BreakdownDimension,
    BreakdownLevel,
    Direction,
    Frequency,
    Indicator,
    Unit,
    ValueInput,
    ValueKey,
    code_not_reserved,
)
from .parsing import InputError, decimal_parse, period_label, period_parse, text_check
from .services import PlannedValue, ValueRejected

# At least 10,000 items per request, as the contract promises integrations.
MAX_BATCH_ITEMS = 50_000
MAX_COMMENT = 2_000
# What the schema documents of an item; the parsers decide (and say why not).
# Years 2000–2100, as indicators.parsing accepts them.
PERIOD_PATTERN = r"^(20[0-9]{2}|2100)(-Q[1-4]|-(0[1-9]|1[0-2]))?$"
NUMBER_PATTERN = r"^-?[0-9]+([.,][0-9]+)?$"
BREAKDOWN_SHAPE = gettext_lazy(
    'Send the breakdown as an object of codes, e.g. {"region": "03"}; '
    "{} or no breakdown is the national figure."
)


def decimal_text(value: Decimal | None) -> str | None:
    """``57.000000`` → ``"57"``, ``57.500000`` → ``"57.5"``: no exponent.

    The same text as the serializers' ``DecimalField(normalize_output=True)``.
    """
    if value is None:
        return None
    return format(value.normalize(), "f")


class BreakdownField(serializers.DictField):
    """``{"region": "03"}`` → the canonical key ``region:03`` (``{}`` → "")."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            'The series: dimension code → category code, e.g. {"region": "03"}; '
            "absent or {} for the national figure.",
        )
        super().__init__(
            child=TextRegexField(f"^{BREAKDOWN_CODE}$", max_length=40), **kwargs
        )

    def to_internal_value(self, data):
        mapping = super().to_internal_value(data)
        for dimension in mapping:
            if not re.fullmatch(BREAKDOWN_CODE, str(dimension)):
                raise ValidationError(str(BREAKDOWN_SHAPE))
        return breakdown_key(mapping)

    def to_representation(self, value):
        return breakdown_parse(value) if isinstance(value, str) else value


# --- Indicators ----------------------------------------------------------------


class IndicatorOutput(serializers.Serializer):
    code = serializers.CharField()
    goal = serializers.CharField(source="goal.code")
    name = serializers.CharField(source="name_nb")
    name_en = serializers.CharField()
    description = serializers.CharField()
    unit = serializers.ChoiceField(choices=Unit.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    baseline_value = serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True, normalize_output=True
    )
    baseline_year = serializers.IntegerField(allow_null=True)
    target_value = serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True, normalize_output=True
    )
    target_year = serializers.IntegerField()
    limit = serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True, normalize_output=True
    )
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    data_source = TextField()
    owner = serializers.CharField(source="owner.name", allow_null=True)
    is_demo = serializers.BooleanField()
    breakdowns = serializers.ListField(
        child=serializers.CharField(), source="breakdown_codes", read_only=True
    )


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so that a typo is not silently dropped."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(k) for k in set(data) - set(self.fields))
            if unknown:
                raise ValidationError(
                    {name: [_("Unknown field.")] for name in unknown[:20]}
                )
        return super().to_internal_value(data)


def _decimal(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True, required=False, **kwargs
    )


def _year(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=2000, max_value=2100, **kwargs)


class IndicatorInput(StrictSerializer):
    """A new indicator: codes for the goal, the owner organisation's name."""

    code = CodeField(validators=[code_not_reserved])
    goal = serializers.SlugRelatedField(slug_field="code", queryset=Goal.objects)
    name = TextField(max_length=300, source="name_nb")
    name_en = TextField(max_length=300, required=False, allow_blank=True)
    description = TextField(max_length=10_000, required=False, allow_blank=True)
    unit = serializers.ChoiceField(choices=Unit.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    baseline_value = _decimal()
    baseline_year = _year(allow_null=True, required=False)
    target_value = _decimal()
    target_year = _year(required=False)
    limit = _decimal()
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    data_source = TextField(max_length=300, required=False, allow_blank=True)
    owner = serializers.SlugRelatedField(
        slug_field="name",
        queryset=Organisation.objects,
        allow_null=True,
        required=False,
    )
    breakdowns = serializers.SlugRelatedField(
        slug_field="code",
        queryset=BreakdownDimension.objects,
        many=True,
        required=False,
        help_text="The dimensions its values may be broken down by: "
        '"region", "sector" or a code the secretariat defined.',
    )


class IndicatorPatchInput(IndicatorInput):
    """Changed fields only; a new baseline or target needs why and from when."""

    change_reason = TextField(max_length=2_000, required=False, allow_blank=True)
    effective_from = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)
        # The code identifies the indicator in URLs, files and integrations.
        self.fields.pop("code")


# --- Breakdown code lists ---------------------------------------------------------


class BreakdownCategoryOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="name_nb")
    name_en = serializers.CharField()
    level = serializers.ChoiceField(
        choices=BreakdownLevel.choices,
        help_text='Of a region: health_region, county or municipality; "" for '
        "the categories of other dimensions.",
    )
    parent = serializers.CharField(
        source="parent_code",
        allow_null=True,
        help_text="The code of the category it is part of (a county's health "
        "region, a municipality's county), or null.",
    )


class BreakdownDimensionOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="name_nb")
    name_en = serializers.CharField()
    builtin = serializers.BooleanField(source="is_builtin")
    categories = BreakdownCategoryOutput(many=True)


# --- Values ----------------------------------------------------------------------


class ValueItemInput(serializers.Serializer):
    """One value for the indicator in the URL (documentation of the shape)."""

    period = TextRegexField(
        PERIOD_PATTERN,
        help_text="2024, 2024-Q3 or 2024-06, in the indicator's frequency; "
        "not a period that has not started.",
    )
    value = TextRegexField(
        NUMBER_PATTERN,
        help_text='A decimal as a string: "57.0" (a decimal comma, "57,0", is '
        "accepted too). Percentages lie between 0 and 100.",
    )
    comment = TextField(
        required=False,
        allow_blank=True,
        max_length=MAX_COMMENT,
        help_text="Why a value changes; required for a correction.",
    )
    breakdown = BreakdownField(required=False)


class BulkValueItemInput(ValueItemInput):
    indicator = TextRegexField(
        CODE_PATTERN, max_length=40, help_text="The indicator's code"
    )


class ValueOutcomeOutput(serializers.Serializer):
    indicator = serializers.CharField()
    period = serializers.CharField()
    breakdown = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="The series, for a broken-down value (absent: national).",
    )
    outcome = serializers.ChoiceField(choices=["created", "revised", "unchanged"])


class ValueBatchOutput(serializers.Serializer):
    created = serializers.IntegerField()
    revised = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    items = ValueOutcomeOutput(many=True)


class ValueOutput(serializers.Serializer):
    """A value as the contract names it; ``value_rows`` builds these for lists."""

    indicator = serializers.CharField()
    period = serializers.CharField()
    breakdown = serializers.DictField(child=serializers.CharField())
    value = serializers.CharField()
    status = serializers.CharField()
    comment = TextField()
    source = serializers.CharField()
    entered_by = serializers.CharField(allow_null=True)
    entered_at = serializers.DateTimeField()
    approved_by = serializers.CharField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)


VALUE_COLUMNS = (
    "period_start",
    "breakdown",
    "granularity",
    "value",
    "status",
    "comment",
    "source",
    "entered_by__username",
    "entered_at",
    "approved_by__username",
    "approved_at",
)


def value_rows(rows, *, indicator_code: str) -> list[dict]:
    """``ValueOutput`` dicts from ``.values(*VALUE_COLUMNS)`` rows, fast.

    Datetimes stay datetimes: the orjson renderer writes them as ISO 8601.
    """
    return [
        {
            "indicator": indicator_code,
            "period": period_label(row["period_start"], row["granularity"]),
            "breakdown": breakdown_parse(row["breakdown"]),
            "value": decimal_text(row["value"]),
            "status": row["status"],
            "comment": row["comment"],
            "source": row["source"],
            "entered_by": row["entered_by__username"],
            "entered_at": row["entered_at"],
            "approved_by": row["approved_by__username"],
            "approved_at": row["approved_at"],
        }
        for row in rows
    ]


class ValueRefInput(StrictSerializer):
    """A period's value waiting for approval, named by indicator and period."""

    indicator = CodeField()
    period = TextRegexField(PERIOD_PATTERN, max_length=10)
    breakdown = BreakdownField(required=False)


class RejectInput(StrictSerializer):
    reason = TextField(max_length=2_000)
    items = ValueRefInput(many=True, allow_empty=False, max_length=MAX_BATCH_ITEMS)

    def validate_reason(self, value: str) -> str:
        try:
            return text_check(value)
        except InputError as exc:
            raise ValidationError(str(exc)) from None


class ApproveInput(StrictSerializer):
    items = ValueRefInput(many=True, allow_empty=False, max_length=MAX_BATCH_ITEMS)


class ValueDecisionOutput(serializers.Serializer):
    approved = serializers.IntegerField(required=False)
    rejected = serializers.IntegerField(required=False)
    items = ValueRefInput(many=True)


class ProgressOutput(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.code")
    # The series the answer is for: {} for the national figure.
    breakdown = serializers.DictField(child=serializers.CharField(), source="series")
    # The day the answer is for, and the day its inputs last changed (the
    # snapshot's own date): the status is exactly that of ``as_of``'s inputs.
    as_of = serializers.DateField(source="answered_for")
    inputs_changed_on = serializers.DateField(source="as_of")
    computed_at = serializers.DateTimeField()
    status = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    method = serializers.CharField()
    progress_value = serializers.FloatField(allow_null=True)
    components = serializers.DictField()
    explanation = serializers.DictField()


def rejection_details(exc: ValueRejected, names: Sequence[str] = ()) -> dict:
    """The service's refusals in the API's details shape: by item position, or
    by the name in ``names`` at that position (a dataset cell's codes)."""
    details: dict = {}
    for key, error in exc.errors.items():
        if key is None:
            details[NON_FIELD] = [error.message]
        else:
            name = names[key] if names else str(key)
            details[name] = {error.field or NON_FIELD: [error.message]}
    return details


def batch_outcome(planned: Iterable[PlannedValue]) -> dict:
    """``ValueBatchOutput``: the counts, and each item's outcome in order."""
    counts = dict.fromkeys(("created", "revised", "unchanged"), 0)
    items, labels, series = [], {}, {}
    for p in planned:
        counts[p.outcome] += 1
        key = (p.item.period_start, p.item.indicator.frequency)
        if (label := labels.get(key)) is None:
            label = labels[key] = period_label(*key)
        item = {"indicator": p.item.indicator.code, "period": label}
        if breakdown := p.item.breakdown:
            if (mapping := series.get(breakdown)) is None:
                mapping = series[breakdown] = breakdown_parse(breakdown)
            item["breakdown"] = mapping
        item["outcome"] = p.outcome
        items.append(item)
    return {**counts, "items": items}


def value_refs_parse(
    refs: list[dict], indicators: dict[str, Indicator]
) -> list[tuple[ValueKey, str]]:
    """The key and label (``M1-A 2024``) of each ``{"indicator", "period"}``;
    ValidationError naming the unknown indicators and periods by position."""
    parsed, errors = [], {}
    for i, ref in enumerate(refs):
        indicator = indicators.get(ref["indicator"])
        if indicator is None:
            errors[str(i)] = {"indicator": [_("No indicator has this code.")]}
            continue
        try:
            # Any period may be named, even one that has not started: that
            # nothing waits for approval there is said by the caller.
            start = period_parse(
                ref["period"], frequency=indicator.frequency, today=dt.date.max
            )
        except InputError as exc:
            errors[str(i)] = {"period": [str(exc)]}
            continue
        breakdown = ref.get("breakdown") or NATIONAL
        label = f"{indicator.code} {period_label(start, indicator.frequency)}"
        if breakdown:
            label = f"{label} ({breakdown})"
        parsed.append((ValueKey(indicator.pk, start, breakdown), label))
    if errors:
        raise ValidationError({"items": errors})
    return parsed


# --- Fast batch parsing --------------------------------------------------------------

ITEM_FIELDS = {"period", "value", "comment", "breakdown"}
# Fields an item may leave out.
OPTIONAL_FIELDS = {"comment", "breakdown"}
BULK_ITEM_FIELDS = ITEM_FIELDS | {"indicator"}


def batch_items(data: Any, *, single_allowed: bool) -> list:
    """The body as a list of items; 413 above the limit, 400 if not a list."""
    if single_allowed and isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        expected = (
            _("Send an object or a list of objects.")
            if single_allowed
            else _("Send a list of objects.")
        )
        raise ValidationError({NON_FIELD: [expected]})
    if not data:
        raise ValidationError({NON_FIELD: [_("Send at least one item.")]})
    batch_size_check(data)
    return data


def batch_size_check(items: Any) -> None:
    """413 stating the limit when a list has more than ``MAX_BATCH_ITEMS``
    (or a JSON-stat ``value`` object more positions)."""
    if isinstance(items, list | dict) and len(items) > MAX_BATCH_ITEMS:
        raise TooLarge(
            _("At most %(limit)d items per request; this one has %(n)d.")
            % {"limit": MAX_BATCH_ITEMS, "n": len(items)}
        )


def batch_shape_check(items: list, fields: set[str]) -> None:
    """ValidationError naming, by position, every item of the wrong shape."""
    errors = {}
    for i, item in enumerate(items):
        if item_errors := item_shape_errors(item, fields):
            errors[str(i)] = item_errors
    if errors:
        raise ValidationError(errors)


def item_shape_errors(item: Any, fields: set[str]) -> dict[str, list[str]]:
    """What is structurally wrong with one raw item (types, unknown fields)."""
    if type(item) is dict and _shape_plain(item, fields):
        return {}
    return _shape_errors(item, fields)


def _shape_errors(item: Any, fields: set[str]) -> dict[str, list[str]]:
    if not isinstance(item, dict):
        return {NON_FIELD: [_("Each item must be an object.")]}
    errors = {str(k): [_("Unknown field.")] for k in item if k not in fields}
    for name in fields - OPTIONAL_FIELDS:
        if item.get(name) in (None, ""):
            errors[name] = [_("This field is required.")]
    for name in fields - {"value", "breakdown"}:
        if name in item and item[name] is not None and not isinstance(item[name], str):
            errors[name] = [_("Send a string.")]
    breakdown = item.get("breakdown")
    if breakdown is not None and not _breakdown_shape(breakdown):
        errors["breakdown"] = [BREAKDOWN_SHAPE]
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, str | int | float | None):
        errors["value"] = [_('Send the value as a string, e.g. "57.0".')]
    return errors


def _shape_plain(item: dict, fields: set[str]) -> bool:
    """The usual item, quickly: known fields only, all text, required ones set.

    Anything else goes through the full checks of ``_shape_errors``.
    """
    if not item.keys() <= fields:
        return False
    for name, value in item.items():
        if name == "breakdown":
            if not _breakdown_shape(value):
                return False
        elif type(value) is not str or (not value and name != "comment"):
            return False
    return fields - item.keys() <= OPTIONAL_FIELDS


def _breakdown_shape(value: Any) -> bool:
    """An object of codes: ``{"region": "03"}``; ``{}`` is the national figure."""
    return type(value) is dict and all(
        type(k) is str and type(v) is str for k, v in value.items()
    )


@lru_cache(maxsize=4096)
def _series_key(pairs: tuple[tuple[str, str], ...]) -> str:
    """``breakdown_key`` of a shape-checked item's breakdown, once per series
    (a bulk repeats a few series over many periods)."""
    return breakdown_key(dict(pairs))


def value_items_parse(
    items: list,
    indicators: dict[str, Indicator],
    *,
    code: str | None = None,
    today: dt.date,
) -> list[ValueInput]:
    """Checked ``ValueInput``s, or ValidationError with errors by item index.

    ``indicators`` maps codes to indicators; each item has passed
    ``item_shape_errors`` and names its indicator, unless ``code`` names the
    one indicator of every item. A batch repeats the same few periods and
    many of its numbers: ``parsing`` parses each distinct text once.
    """
    parsed, errors = [], {}
    for i, item in enumerate(items):
        indicator = indicators.get(code or item["indicator"])
        if indicator is None:
            errors[str(i)] = {"indicator": [_("No indicator has this code.")]}
            continue
        try:
            parsed.append(_item_parse(item, indicator, today))
        except ValidationError as exc:
            errors[str(i)] = exc.detail
    if errors:
        raise ValidationError(errors)
    return parsed


def _item_parse(item: dict, indicator: Indicator, today: dt.date) -> ValueInput:
    """One item's period, value and comment, or every reason it is refused."""
    period = _or_error(
        period_parse, item["period"], frequency=indicator.frequency, today=today
    )
    value = _or_error(decimal_parse, str(item["value"]))
    errors = {}
    if isinstance(period, InputError):
        errors["period"] = [str(period)]
    if isinstance(value, InputError):
        errors["value"] = [str(value)]
    try:
        comment = _comment_parse(item.get("comment") or "")
    except InputError as exc:
        errors["comment"] = [str(exc)]
    breakdown = NATIONAL
    if raw := item.get("breakdown"):
        try:
            breakdown = _series_key(tuple(raw.items()))
        except BreakdownError:
            errors["breakdown"] = [BREAKDOWN_SHAPE]
    if errors:
        raise ValidationError(errors)
    return ValueInput(indicator, period, value, comment, breakdown)


def _or_error(parse, *args, **kwargs):
    try:
        return parse(*args, **kwargs)
    except InputError as exc:
        return exc


def _comment_parse(text: str) -> str:
    if len(text) > MAX_COMMENT:
        raise InputError(_("At most %(n)d characters.") % {"n": MAX_COMMENT})
    return text_check(text) if text else ""


# --- JSON-stat datasets ---------------------------------------------------------------

# The field of a cell's error in the details, by ``jsonstat.CellError.code``.
CELL_ERROR_FIELDS = {
    "unknown_category": "breakdown",
    "bad_period": "period",
    "bad_value": "value",
}


def dataset_inputs(
    dataset: Mapping[str, Any],
    indicator: Indicator,
    *,
    breakdowns: Collection[str],
    categories: Mapping[str, Collection[str]],
    today: dt.date,
) -> tuple[list[ValueInput], list[str]]:
    """A JSON-stat dataset's cells as checked ``ValueInput``s of the indicator,
    and each one's name (``Region=03, Tid=2024``); or ValidationError with
    every error.

    ``breakdowns`` are the indicator's, ``categories`` their code lists. Errors are
    keyed by the cell's name (``{"Region=99, Tid=2024": {"breakdown": […]}}``);
    the dataset's own under ``non_field_errors``. The comment of every value
    is the dataset's ``extension.comment``, a correction's reason.
    """
    reading = dataset_read(
        dataset, breakdowns=sorted(breakdowns), categories=categories
    )
    errors: dict = {}
    for error in reading.errors:
        _cell_error(
            errors, error.where, CELL_ERROR_FIELDS.get(error.code), error.message
        )
    comment = _dataset_comment(dataset, errors)
    inputs, names = [], []
    for cell in reading.cells:
        try:
            start = period_parse(
                cell.period, frequency=indicator.frequency, today=today
            )
        except InputError as exc:
            _cell_error(errors, cell.where, "period", str(exc))
            continue
        breakdown = breakdown_key(cell.breakdown)
        inputs.append(ValueInput(indicator, start, cell.value, comment, breakdown))
        names.append(cell.where)
    if not errors and not inputs:
        _cell_error(errors, "", None, _("The dataset holds no values: all are null."))
    if errors:
        raise ValidationError(errors)
    return inputs, names


def _cell_error(errors: dict, where: str, field: str | None, message: str) -> None:
    if not where:
        errors.setdefault(NON_FIELD, []).append(message)
        return
    errors.setdefault(where, {}).setdefault(field or NON_FIELD, []).append(message)


def _dataset_comment(dataset: Mapping[str, Any], errors: dict) -> str:
    extension = dataset.get("extension")
    comment = extension.get("comment") if isinstance(extension, dict) else None
    if comment is None:
        return ""
    try:
        if not isinstance(comment, str):
            raise InputError(_("Send the comment as a string."))
        return _comment_parse(comment)
    except InputError as exc:
        errors["extension.comment"] = [str(exc)]
        return ""
