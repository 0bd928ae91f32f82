"""REST API v1 of the indicators app: definitions, values, approval, progress.

Each view validates, calls a service or selector, and serializes; the schema
is in ``schema.py``, the filters in ``filters.py``, the write scope in
``scopes.py``.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response

from core.api import (
    CanReadApi,
    Conflict,
    Pagination,
    django_errors,
    filtered,
    paginated,
    writes_for,
)
from core.asof import AsOfError, as_of_from
from core.roles import APPROVERS, EDITORS, VALUE_WRITERS

from . import schema, selectors
from .breakdowns import NATIONAL, breakdown_parse
from .explain import snapshot_explain
from .filters import BreakdownFilterField, IndicatorFilter, ValueFilter
from .jsonstat import is_dataset
from .models import BreakdownLevel, Indicator, IndicatorValue, ValueSource
from .progress import stored_components
from .scopes import WriteScope, codes_listed, write_scope
from .serializers import (
    BULK_ITEM_FIELDS,
    ITEM_FIELDS,
    VALUE_COLUMNS,
    ApproveInput,
    BreakdownDimensionOutput,
    IndicatorInput,
    IndicatorOutput,
    IndicatorPatchInput,
    ProgressOutput,
    RejectInput,
    batch_items,
    batch_outcome,
    batch_shape_check,
    batch_size_check,
    dataset_inputs,
    rejection_details,
    value_items_parse,
    value_refs_parse,
    value_rows,
)
from .services import (
    ErrorCode,
    ValueRejected,
    indicator_create,
    indicator_update,
    values_approve,
    values_record,
    values_reject,
)
from .snapshots import series_snapshots_as_of, snapshot_as_of
from .staging import gc_paused

# Refusals of the services that mean "not you", not "not now".
FORBIDDING = (ErrorCode.FORBIDDEN, ErrorCode.OWN_ENTRY)
# Refusals of what was sent (a 400), not of the state it met (a 409).
INPUT_REFUSALS = (ErrorCode.INVALID, ErrorCode.REQUIRED)


class NotComputed(APIException):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = gettext_lazy(
        "No progress has been computed for this indicator yet."
    )


def _scope_checked(
    request, indicators: Iterable[Indicator], *, session_roles=EDITORS
) -> WriteScope:
    """The request's write scope; 403 naming the indicators outside it."""
    scope = write_scope(
        user=request.user, auth=request.auth, session_roles=session_roles
    )
    if refusal := scope.refusal(indicators):
        raise PermissionDenied(refusal)
    return scope


# The API names the model's ``name_nb`` ``name``.
RENAMED = {"name_nb": "name"}


# --- Indicators ----------------------------------------------------------------


@schema.indicator_list
@api_view(["GET", "POST"])
@permission_classes([CanReadApi, writes_for(*EDITORS)])
def indicator_list(request):
    if request.method == "POST":
        return _indicator_create(request)
    indicators = filtered(
        IndicatorFilter,
        request,
        selectors.indicators_with_goal().prefetch_related("breakdowns"),
    )
    return paginated(
        request, indicators.order_by("goal__order", "code"), IndicatorOutput
    )


def _definition_scope(request) -> WriteScope:
    return write_scope(user=request.user, auth=request.auth, session_roles=EDITORS)


def _indicator_create(request):
    form = IndicatorInput(data=request.data)
    form.is_valid(raise_exception=True)
    try:
        indicator = indicator_create(
            user=request.user,
            fields=form.validated_data,
            scope=_definition_scope(request),
        )
    except DjangoValidationError as exc:
        raise django_errors(exc, RENAMED) from None
    return Response(IndicatorOutput(indicator).data, status=status.HTTP_201_CREATED)


@schema.indicator_detail
@api_view(["GET", "PATCH"])
@permission_classes([CanReadApi, writes_for(*EDITORS)])
def indicator_detail(request, code: str):
    indicator = selectors.indicator_get(code=code)
    if request.method == "PATCH":
        scope = _definition_scope(request)
        # Outside the scope is a 403 whatever the body holds.
        scope.definition_check([indicator])
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
                scope=scope,
            )
        except DjangoValidationError as exc:
            raise django_errors(exc, RENAMED) from None
    return Response(IndicatorOutput(indicator).data)


@schema.indicator_progress
@api_view(["GET"])
def indicator_progress(request, code: str):
    indicator = selectors.indicator_get(code=code)
    try:
        as_of = as_of_from(request.query_params)
    except AsOfError as exc:
        raise ValidationError({"as_of": [str(exc)]}) from None
    series = _series_param(request)
    if series:
        snapshot = series_snapshots_as_of(indicator_id=indicator.pk, as_of=as_of).get(
            series
        )
    else:
        snapshot = snapshot_as_of(indicator_id=indicator.pk, as_of=as_of)
    if snapshot is None:
        raise NotComputed()
    snapshot.series = breakdown_parse(series)
    snapshot.indicator = indicator
    snapshot.answered_for = as_of or timezone.localdate()
    # Served as read: a legacy figure beyond the measurable range becomes None.
    snapshot.components = stored_components(snapshot.components)
    snapshot.explanation = snapshot_explain(snapshot, indicator.unit_label).as_dict()
    return Response(ProgressOutput(snapshot).data)


def _series_param(request) -> str:
    """The series key of ``?breakdown=`` ("" for the national figure); 400 if
    it cannot be read."""
    field = BreakdownFilterField(required=False)
    try:
        return field.clean(request.query_params.get("breakdown")) or NATIONAL
    except DjangoValidationError as exc:
        raise ValidationError({"breakdown": exc.messages}) from None


# --- Values ------------------------------------------------------------------------


class ValuePagination(Pagination):
    """Values are small rows that integrations read in bulk: larger pages."""

    max_page_size = 10_000


@schema.indicator_values
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


@schema.values_bulk
@api_view(["POST"])
@permission_classes([CanReadApi, writes_for(*VALUE_WRITERS)])
def values_bulk(request):
    return _values_post(request, BULK_ITEM_FIELDS)


@gc_paused()
def _values_post(request, fields: set[str], *, indicator: Indicator | None = None):
    """Validate a batch as a whole, check the scope, record it all or nothing."""
    if indicator is not None and is_dataset(request.data):
        return _dataset_post(request, indicator)
    items = batch_items(request.data, single_allowed=indicator is not None)
    batch_shape_check(items, fields)
    if indicator is None:
        indicators = selectors.indicators_by_code(item["indicator"] for item in items)
    else:
        indicators = {indicator.code: indicator}
    scope = _scope_checked(request, indicators.values())
    inputs = value_items_parse(
        items,
        indicators,
        code=indicator and indicator.code,
        today=timezone.localdate(),
    )
    try:
        planned = values_record(
            items=inputs, user=request.user, source=ValueSource.API, scope=scope
        )
    except ValueRejected as exc:
        raise ValidationError(rejection_details(exc)) from None
    return Response(batch_outcome(planned))


def _dataset_post(request, indicator: Indicator):
    """A JSON-stat dataset's cells recorded as a batch of items is; errors are
    keyed by each cell's dimension codes."""
    batch_size_check(request.data.get("value"))
    scope = _scope_checked(request, [indicator])
    declared = selectors.indicator_breakdowns(indicator_ids=[indicator.pk])
    breakdowns = declared[indicator.pk]
    inputs, names = dataset_inputs(
        request.data,
        indicator,
        breakdowns=breakdowns,
        categories=selectors.breakdown_codes(breakdowns) if breakdowns else {},
        today=timezone.localdate(),
    )
    try:
        planned = values_record(
            items=inputs, user=request.user, source=ValueSource.API, scope=scope
        )
    except ValueRejected as exc:
        raise ValidationError(rejection_details(exc, names)) from None
    return Response(batch_outcome(planned))


# --- Breakdown code lists ---------------------------------------------------------


def _level(request) -> str:
    """The ``?level=`` of a code list read ("" for all); 400 if unknown."""
    level = request.query_params.get("level", "")
    if level not in BreakdownLevel.values:
        levels = ", ".join(value for value in BreakdownLevel.values if value)
        raise ValidationError(
            {"level": [_("Choose one of: %(levels)s.") % {"levels": levels}]}
        )
    return level


@schema.breakdown_list
@api_view(["GET"])
def breakdown_list(request):
    dimensions = selectors.breakdown_dimensions(level=_level(request))
    return paginated(
        request, dimensions.order_by("order", "code"), BreakdownDimensionOutput
    )


@schema.breakdown_detail
@api_view(["GET"])
def breakdown_detail(request, code: str):
    dimension = selectors.breakdown_dimension_get(code=code, level=_level(request))
    return Response(BreakdownDimensionOutput(dimension).data)


# --- Approval ---------------------------------------------------------------------


def _decision_values(request, refs: list[dict]) -> list[int]:
    """The pending value each ``{"indicator", "period"}`` names.

    400 for unknown indicators or periods, 403 outside the key's scope, 409
    when nothing waits for approval. Who may decide is the service's rule.
    """
    indicators = selectors.indicators_by_code(ref["indicator"] for ref in refs)
    keys, labels = zip(*value_refs_parse(refs, indicators), strict=True)
    _scope_checked(request, indicators.values(), session_roles=APPROVERS)
    pending = selectors.pending_value_ids(keys=keys)
    missing = [
        label for key, label in zip(keys, labels, strict=True) if key not in pending
    ]
    if missing:
        raise Conflict(
            _("No value waits for approval for: %(items)s.")
            % {"items": codes_listed(missing)}
        )
    return [pending[key] for key in keys]


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
        message = " ".join(error.message for error in exc.errors.values())
        if any(exc.has(code) for code in FORBIDDING):
            raise PermissionDenied(message) from None
        if any(exc.has(code) for code in INPUT_REFUSALS):
            raise ValidationError(rejection_details(exc)) from None
        # Decided on, or replaced, by someone else since the lookup.
        raise Conflict(message) from None
    return refs


@schema.values_approve
@api_view(["POST"])
@permission_classes([CanReadApi, writes_for(*APPROVERS)])
def values_approve_view(request):
    refs = _decision_take(
        request,
        ApproveInput,
        lambda ids, data: values_approve(value_ids=ids, user=request.user),
    )
    return Response({"approved": len(refs), "items": _refs_output(refs)})


@schema.values_reject
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
    return Response({"rejected": len(refs), "items": _refs_output(refs)})


def _refs_output(refs: list[dict]) -> list[dict]:
    """The items decided on, their breakdowns as objects again."""
    return [
        {**ref, "breakdown": breakdown_parse(ref["breakdown"])}
        if "breakdown" in ref
        else ref
        for ref in refs
    ]
