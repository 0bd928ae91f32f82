"""REST API v1 of the indicators app: definitions, values, approval, progress.

Write scope: a request made with an API key may write only the values of the
indicators, or the goals, its key lists in ``scopes`` (none when empty); a
browser session of the secretariat may write every indicator's values.
"""

import datetime as dt
from collections.abc import Iterable

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
)
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from core.api import CanReadApi, Pagination, filtered, paginated
from core.asof import AsOfError, as_of_from
from core.models import ApiKey
from core.roles import Role, user_has_role
from core.schema import (
    CONFLICT,
    NOT_FOUND,
    TOO_LARGE,
    WRITE_ERRORS,
    documented,
    page_example,
    page_of,
)

from . import selectors
from .explain import snapshot_explain
from .models import Indicator, IndicatorValue, ValueSource, ValueStatus
from .parsing import InputError, period_label, period_next, period_parse
from .serializers import (
    BULK_ITEM_FIELDS,
    ITEM_FIELDS,
    NON_FIELD,
    VALUE_COLUMNS,
    ApproveInput,
    BulkValueItemInput,
    IndicatorInput,
    IndicatorOutput,
    IndicatorPatchInput,
    ProgressOutput,
    RejectInput,
    ValueBatchOutput,
    ValueDecisionOutput,
    ValueItemInput,
    ValueOutput,
    batch_items,
    batch_size_check,
    item_shape_errors,
    value_items_parse,
    value_rows,
)
from .services import (
    CORRECTION_NEEDS_COMMENT,
    ValueRejected,
    indicator_create,
    indicator_update,
    values_approve,
    values_record,
    values_reject,
)
from .snapshots import snapshot_as_of
from .staging import gc_paused

VALUE_WRITERS = (Role.SECRETARIAT, Role.INTEGRATION)
EDITORS = (Role.SECRETARIAT,)
APPROVERS = (Role.APPROVER,)
# How many codes an error message lists before "and N more".
LISTED = 20


def writes_for(*roles: str) -> type[BasePermission]:
    """Readers may read; only these roles may write (POST, PATCH …)."""

    class WriteRoles(BasePermission):
        message = gettext_lazy("Your role does not allow this change.")

        def has_permission(self, request, view):
            # A method the view lacks gets its 405 rather than a 403.
            unknown = not hasattr(view, request.method.lower())
            return (
                unknown
                or request.method in SAFE_METHODS
                or user_has_role(request.user, *roles)
            )

    WriteRoles.__name__ = "WriteRoles_" + "_".join(str(r) for r in roles)
    return WriteRoles


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy("The current state does not allow this.")


def _listed(labels: Iterable[str]) -> str:
    labels = sorted(set(labels))
    text = ", ".join(labels[:LISTED])
    if len(labels) > LISTED:
        text += " " + _("and %(n)d more") % {"n": len(labels) - LISTED}
    return text


def _indicators():
    return Indicator.objects.select_related("goal", "owner")


def _indicators_by_code(codes: Iterable[str]) -> dict[str, Indicator]:
    return {i.code: i for i in _indicators().filter(code__in=set(codes))}


def write_scope_check(
    request, indicators: Iterable[Indicator], *, session_roles=EDITORS
) -> None:
    """403 naming the indicators this request may not write values of.

    A key is held to its scopes; a browser session to ``session_roles``.
    """
    key = request.auth if isinstance(request.auth, ApiKey) else None
    if key is None and user_has_role(request.user, *session_roles):
        return
    scopes = set(key.scopes) if key else set()
    denied = [
        i.code for i in indicators if i.code not in scopes and i.goal.code not in scopes
    ]
    if denied:
        raise PermissionDenied(
            _("You may not write values of these indicators: %(codes)s.")
            % {"codes": _listed(denied)}
        )


def _django_errors(exc: DjangoValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return ValidationError({NON_FIELD: exc.messages})
    renamed = {"name_nb": "name", "__all__": NON_FIELD}
    return ValidationError({renamed.get(k, k): v for k, v in exc.message_dict.items()})


# --- Indicators ----------------------------------------------------------------


def strict_bool_filter(**kwargs) -> django_filters.Filter:
    """``true`` or ``false``; anything else is a 400, not silently ignored."""
    return django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda text: text == "true",
        **kwargs,
    )


class IndicatorFilter(django_filters.FilterSet):
    goal = django_filters.CharFilter(field_name="goal__code")
    is_demo = strict_bool_filter()

    class Meta:
        model = Indicator
        fields = []


INDICATOR_EXAMPLE = {
    "code": "M1-DIGI-1",
    "goal": "M1",
    "name": "Andel innbyggere som bruker digitale helsetjenester",
    "name_en": "Share of residents using digital health services",
    "description": "",
    "unit": "percent",
    "direction": "increase",
    "baseline_value": "52.5",
    "baseline_year": 2023,
    "target_value": "80",
    "target_year": 2030,
    "limit": "100",
    "frequency": "annual",
    "data_source": "SSB",
    "owner": None,
    "is_demo": False,
}


@documented(
    methods=["GET"],
    summary="List the target indicators",
    operation_id="v1_indicators_list",
    response=page_of(IndicatorOutput),
    errors=WRITE_ERRORS,
    examples=[OpenApiExample("Indicators", value=page_example(INDICATOR_EXAMPLE))],
    parameters=[
        OpenApiParameter("goal", str, description="Goal code, e.g. M1"),
        OpenApiParameter("is_demo", bool, description="Only demo (or only real)"),
    ],
)
@documented(
    methods=["POST"],
    summary="Define an indicator (Sekretariat)",
    request=IndicatorInput,
    response=IndicatorOutput,
    success=201,
    errors=WRITE_ERRORS,
    examples=[OpenApiExample("Indicator", value=INDICATOR_EXAMPLE)],
)
@api_view(["GET", "POST"])
@permission_classes([CanReadApi, writes_for(*EDITORS)])
def indicator_list(request):
    if request.method == "POST":
        return _indicator_create(request)
    indicators = filtered(IndicatorFilter, request, _indicators())
    return paginated(
        request, indicators.order_by("goal__order", "code"), IndicatorOutput
    )


def _indicator_create(request):
    form = IndicatorInput(data=request.data)
    form.is_valid(raise_exception=True)
    try:
        indicator = indicator_create(user=request.user, fields=form.validated_data)
    except DjangoValidationError as exc:
        raise _django_errors(exc) from None
    return Response(IndicatorOutput(indicator).data, status=status.HTTP_201_CREATED)


@documented(
    methods=["GET"],
    summary="One indicator by code",
    response=IndicatorOutput,
    errors=NOT_FOUND,
    examples=[OpenApiExample("Indicator", value=INDICATOR_EXAMPLE)],
)
@documented(
    methods=["PATCH"],
    summary="Change an indicator (Sekretariat)",
    description=(
        "Send only the fields that change. A new baseline or target needs "
        "`change_reason` and `effective_from`; it is recorded and applies from "
        "that date. The frequency cannot change once values exist."
    ),
    request=IndicatorPatchInput,
    response=IndicatorOutput,
    errors={**NOT_FOUND, **WRITE_ERRORS},
    examples=[
        OpenApiExample(
            "New target",
            value={
                "target_value": "85",
                "change_reason": "Raised by the council on 12 March 2026.",
                "effective_from": "2026-03-12",
            },
            request_only=True,
        )
    ],
)
@api_view(["GET", "PATCH"])
@permission_classes([CanReadApi, writes_for(*EDITORS)])
def indicator_detail(request, code: str):
    indicator = selectors.indicator_get(code=code)
    if request.method == "PATCH":
        form = IndicatorPatchInput(instance=indicator, data=request.data)
        form.is_valid(raise_exception=True)
        fields = dict(form.validated_data)
        try:
            indicator = indicator_update(
                indicator=indicator,
                user=request.user,
                change_reason=fields.pop("change_reason", ""),
                effective_from=fields.pop("effective_from", None),
                fields=fields,
            )
        except DjangoValidationError as exc:
            raise _django_errors(exc) from None
    return Response(IndicatorOutput(indicator).data)


# --- Progress --------------------------------------------------------------------


@documented(
    summary="An indicator's progress as of a date",
    description=(
        "The newest progress snapshot computed for a date on or before `as_of` "
        "(default today); 404 while none has been computed yet."
    ),
    response=ProgressOutput,
    errors={**NOT_FOUND, 400: WRITE_ERRORS[400]},
    parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD")],
    examples=[
        OpenApiExample(
            "Progress",
            value={
                "indicator": "M1-DIGI-1",
                "as_of": "2026-11-22",
                "computed_at": "2026-11-22T03:00:00Z",
                "status": "moderate_progress",
                "score": 1.0,
                "method": "linear_trajectory",
                "progress_value": 0.61,
                "components": {"latest_value": 66.0, "latest_period": 2025.0},
                "explanation": {"summary": "…"},
            },
        )
    ],
)
@api_view(["GET"])
def indicator_progress(request, code: str):
    indicator = selectors.indicator_get(code=code)
    try:
        as_of = as_of_from(request.query_params)
    except AsOfError as exc:
        raise ValidationError({"as_of": [str(exc)]}) from None
    snapshot = snapshot_as_of(indicator_id=indicator.pk, as_of=as_of)
    if snapshot is None:
        raise NotComputed()
    snapshot.indicator = indicator
    snapshot.explanation = snapshot_explain(snapshot).as_dict()
    return Response(ProgressOutput(snapshot).data)


class NotComputed(APIException):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = gettext_lazy(
        "No progress has been computed for this indicator yet."
    )


# --- Values ------------------------------------------------------------------------


class PeriodLabelField(forms.CharField):
    """``2024``, ``2024-Q3`` or ``2024-06`` → (first day, granularity)."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        error = None
        for granularity in ("annual", "quarterly", "monthly"):
            try:
                start = period_parse(text, frequency=granularity, today=dt.date.max)
            except InputError as exc:
                error = error or exc
            else:
                return start, granularity
        raise forms.ValidationError(str(error))


class PeriodLabelFilter(django_filters.Filter):
    field_class = PeriodLabelField


class ValueFilter(django_filters.FilterSet):
    period_from = PeriodLabelFilter(method="filter_from", label="from")
    period_to = PeriodLabelFilter(method="filter_to", label="to")
    status = django_filters.ChoiceFilter(choices=ValueStatus.choices)
    history = strict_bool_filter(method="filter_history")
    ordering = django_filters.OrderingFilter(
        fields=(("period_start", "period"), ("entered_at", "entered_at"))
    )

    class Meta:
        model = IndicatorValue
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # ``from`` is a Python keyword: accept it as the query name.
        if data is not None:
            data = data.copy()
            for name in ("from", "to"):
                if name in data:
                    data[f"period_{name}"] = data.pop(name)[-1]
        super().__init__(data, *args, **kwargs)

    def filter_from(self, queryset, name, value):
        return queryset.filter(period_start__gte=value[0])

    def filter_to(self, queryset, name, value):
        return queryset.filter(period_start__lt=period_next(*value))

    def filter_history(self, queryset, name, value):
        return queryset  # see filter_queryset

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("history"):
            queryset = queryset.filter(superseded_at__isnull=True)
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by("period_start", "entered_at", "pk")
        return queryset


class ValuePagination(Pagination):
    """Values are small rows that integrations read in bulk: larger pages."""

    max_page_size = 10_000


VALUE_LIST_PARAMETERS = [
    OpenApiParameter(name, str, description=text)
    for name, text in (
        ("from", "First period, e.g. 2020, 2020-Q1 or 2020-01"),
        ("to", "Last period, e.g. 2024 (all of 2024)"),
        ("status", "draft, submitted, approved or rejected"),
        ("history", "true: also revisions replaced by a newer one"),
        ("ordering", "period, -period, entered_at or -entered_at"),
        ("page_size", "Values per page: 100 unless given, at most 10,000"),
    )
]
VALUE_EXAMPLE = {
    "indicator": "M1-DIGI-1",
    "period": "2024",
    "value": "57",
    "status": "approved",
    "comment": "",
    "source": "api",
    "entered_by": "api:ssb",
    "entered_at": "2025-03-01T09:00:00Z",
    "approved_by": "godkjenner",
    "approved_at": "2025-03-03T12:00:00Z",
}
VALUE_ITEM_EXAMPLE = {"period": "2024", "value": "57.0", "comment": ""}
BATCH_EXAMPLE = {
    "created": 1,
    "revised": 1,
    "unchanged": 0,
    "items": [
        {"indicator": "M1-DIGI-1", "period": "2024", "outcome": "created"},
        {"indicator": "M1-DIGI-1", "period": "2023", "outcome": "revised"},
    ],
}
VALUE_WRITE_DESCRIPTION = (
    "All or nothing, in one transaction. Values arrive as submitted and wait "
    "for approval. Re-sending a value that is already recorded changes nothing "
    "(`unchanged`); a different value for a period becomes a new revision "
    "(`revised`, needs a `comment`). Errors in `details` are keyed by the "
    "item's position. At most 50,000 items (413 above). A key writes only the "
    "indicators and goals in its scope (403 naming the others)."
)


@documented(
    methods=["GET"],
    summary="An indicator's values",
    description="Current values (official and pending) unless `history=true`.",
    response=page_of(ValueOutput),
    examples=[OpenApiExample("Values", value=page_example(VALUE_EXAMPLE))],
    errors={**NOT_FOUND, 400: WRITE_ERRORS[400]},
    parameters=VALUE_LIST_PARAMETERS,
)
@documented(
    methods=["POST"],
    summary="Record values of one indicator",
    description=VALUE_WRITE_DESCRIPTION,
    request=PolymorphicProxySerializer(
        component_name="ValueItemOrList",
        serializers=[ValueItemInput, ValueItemInput(many=True)],
        resource_type_field_name=None,
        many=False,
    ),
    response=ValueBatchOutput,
    errors={**NOT_FOUND, **WRITE_ERRORS, **TOO_LARGE},
    examples=[
        OpenApiExample("One value", value=VALUE_ITEM_EXAMPLE, request_only=True),
        OpenApiExample("Outcome", value=BATCH_EXAMPLE, response_only=True),
    ],
)
@api_view(["GET", "POST"])
@permission_classes([CanReadApi, writes_for(*VALUE_WRITERS)])
def indicator_values(request, code: str):
    indicator = selectors.indicator_get(code=code)
    if request.method == "POST":
        return _values_post(request, ITEM_FIELDS, indicator=indicator)
    values = filtered(
        ValueFilter, request, IndicatorValue.objects.filter(indicator=indicator)
    )
    # The fast path: plain dicts from .values(), no serializer per row.
    paginator = ValuePagination()
    page = paginator.paginate_queryset(values.values(*VALUE_COLUMNS), request)
    return paginator.get_paginated_response(value_rows(page, indicator_code=code))


@documented(
    summary="Record values of many indicators",
    description=VALUE_WRITE_DESCRIPTION,
    request=BulkValueItemInput(many=True),
    response=ValueBatchOutput,
    errors={**WRITE_ERRORS, **TOO_LARGE},
    examples=[
        OpenApiExample(
            "Batch",
            value=[{"indicator": "M1-DIGI-1", **VALUE_ITEM_EXAMPLE}],
            request_only=True,
        ),
        OpenApiExample("Outcome", value=BATCH_EXAMPLE, response_only=True),
    ],
)
@api_view(["POST"])
@permission_classes([CanReadApi, writes_for(*VALUE_WRITERS)])
def values_bulk(request):
    return _values_post(request, BULK_ITEM_FIELDS)


@gc_paused()
def _values_post(request, fields: set[str], *, indicator: Indicator | None = None):
    """Validate a batch as a whole, check the scope, record it all or nothing."""
    items = batch_items(request.data, single_allowed=indicator is not None)
    errors = {}
    for i, item in enumerate(items):
        if item_errors := item_shape_errors(item, fields):
            errors[str(i)] = item_errors
    if errors:
        raise ValidationError(errors)
    if indicator is None:
        indicators = _indicators_by_code(item["indicator"] for item in items)
    else:
        indicators = {indicator.code: indicator}
    write_scope_check(request, indicators.values())
    inputs = value_items_parse(
        items,
        indicators,
        code=indicator and indicator.code,
        today=timezone.localdate(),
    )
    try:
        planned = values_record(items=inputs, user=request.user, source=ValueSource.API)
    except ValueRejected as exc:
        raise ValidationError(_rejection_details(exc)) from None
    counts = dict.fromkeys(("created", "revised", "unchanged"), 0)
    outcomes, labels = [], {}
    for p in planned:
        counts[p.outcome] += 1
        key = (p.item.period_start, p.item.indicator.frequency)
        if (label := labels.get(key)) is None:
            label = labels[key] = period_label(*key)
        outcomes.append(
            {"indicator": p.item.indicator.code, "period": label, "outcome": p.outcome}
        )
    return Response({**counts, "items": outcomes})


def _rejection_details(exc: ValueRejected) -> dict:
    """The service's errors by item position, in the API's details shape."""
    details: dict = {}
    for key, message in exc.errors.items():
        if key is None:
            details[NON_FIELD] = [message]
            continue
        field = NON_FIELD
        if message == str(CORRECTION_NEEDS_COMMENT):
            field = "comment"
        details[str(key)] = {field: [message]}
    return details


# --- Approval ---------------------------------------------------------------------


def _decision_values(request, refs: list[dict]) -> list[int]:
    """The pending value each ``{"indicator", "period"}`` names, checked.

    400 for unknown indicators or periods, 403 outside the key's scope or for
    values the requester entered, 409 when nothing waits for approval.
    """
    indicators = _indicators_by_code(ref["indicator"] for ref in refs)
    keys, errors = [], {}
    for i, ref in enumerate(refs):
        indicator = indicators.get(ref["indicator"])
        if indicator is None:
            errors[str(i)] = {"indicator": [_("No indicator has this code.")]}
            continue
        try:
            start = period_parse(
                ref["period"], frequency=indicator.frequency, today=dt.date.max
            )
        except InputError as exc:
            errors[str(i)] = {"period": [str(exc)]}
            continue
        keys.append((indicator, start))
    if errors:
        raise ValidationError({"items": errors})
    write_scope_check(request, indicators.values(), session_roles=APPROVERS)
    pending = {
        (row.indicator_id, row.period_start): row
        for row in IndicatorValue.objects.filter(
            indicator__in=list(indicators.values()),
            period_start__in={start for _i, start in keys},
            status=ValueStatus.SUBMITTED,
            superseded_at__isnull=True,
        ).only("pk", "indicator_id", "period_start", "entered_by_id")
    }
    rows = [pending.get((i.pk, start)) for i, start in keys]
    labels = [f"{i.code} {period_label(start, i.frequency)}" for i, start in keys]
    missing = [label for label, row in zip(labels, rows, strict=True) if row is None]
    if missing:
        raise Conflict(
            _("No value waits for approval for: %(items)s.")
            % {"items": _listed(missing)}
        )
    own = [
        label
        for label, row in zip(labels, rows, strict=True)
        if row.entered_by_id == request.user.pk
    ]
    if own:
        raise PermissionDenied(
            _(
                "You entered these values; another person must decide on them: "
                "%(items)s."
            )
            % {"items": _listed(own)}
        )
    return [row.pk for row in rows]


def _decision_take(request, form_class, decide) -> list[dict]:
    """Validate the items, find their values, decide; the items decided on."""
    if isinstance(request.data, dict):
        batch_size_check(request.data.get("items"))
    form = form_class(data=request.data)
    form.is_valid(raise_exception=True)
    refs = form.validated_data["items"]
    ids = _decision_values(request, refs)
    try:
        decide(ids, form.validated_data)
    except ValueRejected as exc:
        # Decided on, or replaced, by someone else since the lookup.
        raise Conflict(" ".join(map(str, exc.errors.values()))) from None
    return refs


DECISION_EXAMPLE = {"items": [{"indicator": "M1-DIGI-1", "period": "2024"}]}


@documented(
    summary="Approve submitted values (Godkjenner)",
    description=(
        "Approves the pending value of each indicator and period, all or "
        "nothing; never values the same person entered (403)."
    ),
    request=ApproveInput,
    response=ValueDecisionOutput,
    errors={**WRITE_ERRORS, **CONFLICT, **TOO_LARGE},
    examples=[OpenApiExample("Approve", value=DECISION_EXAMPLE, request_only=True)],
)
@api_view(["POST"])
@permission_classes([CanReadApi, writes_for(*APPROVERS)])
def values_approve_view(request):
    refs = _decision_take(
        request,
        ApproveInput,
        lambda ids, data: values_approve(value_ids=ids, user=request.user),
    )
    return Response({"approved": len(refs), "items": refs})


@documented(
    summary="Reject submitted values with a reason (Godkjenner)",
    description="As approval: all or nothing, never one's own values.",
    request=RejectInput,
    response=ValueDecisionOutput,
    errors={**WRITE_ERRORS, **CONFLICT, **TOO_LARGE},
    examples=[
        OpenApiExample(
            "Reject",
            value={"reason": "The 2024 figure counts twice.", **DECISION_EXAMPLE},
            request_only=True,
        )
    ],
)
@api_view(["POST"])
@permission_classes([CanReadApi, writes_for(*APPROVERS)])
def values_reject_view(request):
    refs = _decision_take(
        request,
        RejectInput,
        lambda ids, data: values_reject(
            value_ids=ids, user=request.user, reason=data["reason"]
        ),
    )
    return Response({"rejected": len(refs), "items": refs})
