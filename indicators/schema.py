"""OpenAPI documentation of the indicators API: examples and descriptions.

Each name below decorates one view of ``api.py`` with its schema, so that the
views hold only what they do.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
)

from core.schema import (
    CONFLICT,
    NOT_FOUND,
    TOO_LARGE,
    WRITE_ERRORS,
    documented,
    page_example,
    page_of,
)

from .models import ValueStatus
from .serializers import (
    PERIOD_PATTERN,
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
)

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
PERIOD_SCHEMA = {"type": "string", "pattern": PERIOD_PATTERN}
VALUE_LIST_PARAMETERS = [
    OpenApiParameter(
        "from", PERIOD_SCHEMA, description="First period, e.g. 2020, 2020-Q1, 2020-01"
    ),
    OpenApiParameter("to", PERIOD_SCHEMA, description="Last period, e.g. 2024"),
    OpenApiParameter("status", str, enum=ValueStatus.values),
    OpenApiParameter(
        "history", bool, description="true: also revisions replaced by a newer one"
    ),
    OpenApiParameter(
        "ordering", str, enum=["period", "-period", "entered_at", "-entered_at"]
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": 10_000},
        description="Values per page: 100 unless given",
    ),
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
DECISION_EXAMPLE = {"items": [{"indicator": "M1-DIGI-1", "period": "2024"}]}


def _both(first, second):
    """Two schema decorators (one per method of a view) as one."""

    def decorate(view):
        return first(second(view))

    return decorate


indicator_list = _both(
    documented(
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
    ),
    documented(
        methods=["POST"],
        summary="Define an indicator (Sekretariat)",
        description="A key defines indicators only under the goals in its scope (403).",
        request=IndicatorInput,
        response=IndicatorOutput,
        success=201,
        errors=WRITE_ERRORS,
        examples=[OpenApiExample("Indicator", value=INDICATOR_EXAMPLE)],
    ),
)

indicator_detail = _both(
    documented(
        methods=["GET"],
        summary="One indicator by code",
        response=IndicatorOutput,
        errors=NOT_FOUND,
        examples=[OpenApiExample("Indicator", value=INDICATOR_EXAMPLE)],
    ),
    documented(
        methods=["PATCH"],
        summary="Change an indicator (Sekretariat)",
        description=(
            "Send only the fields that change. A new baseline or target needs "
            "`change_reason` and `effective_from`; it is recorded and applies from "
            "that date. The frequency cannot change once values exist. A key "
            "changes only indicators of the goals and codes in its scope, and "
            "cannot move one out of it (403)."
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
    ),
)

indicator_progress = documented(
    summary="An indicator's progress as of a date",
    description=(
        "The status of the inputs official at the end of `as_of` (default "
        "today, Europe/Oslo): the values approved by then and not superseded, "
        "the baseline and target in effect then. `as_of` says which day the "
        "answer is for; `inputs_changed_on` the day those inputs last changed "
        "(a snapshot is stored for every such day). 404 while none has been "
        "computed yet."
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
                "inputs_changed_on": "2026-03-01",
                "computed_at": "2026-03-01T10:02:11Z",
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

indicator_values = _both(
    documented(
        methods=["GET"],
        summary="An indicator's values",
        description="Current values (official and pending) unless `history=true`.",
        response=page_of(ValueOutput),
        examples=[OpenApiExample("Values", value=page_example(VALUE_EXAMPLE))],
        errors={**NOT_FOUND, 400: WRITE_ERRORS[400]},
        parameters=VALUE_LIST_PARAMETERS,
    ),
    documented(
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
    ),
)

values_bulk = documented(
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

values_approve = documented(
    summary="Approve submitted values (Godkjenner)",
    description=(
        "Approves the pending value of each indicator and period, all or "
        "nothing, in one transaction; the period's previous official value is "
        "superseded in the same transaction. Never values the same person "
        "entered (403); 409 when an item no longer waits for approval. At most "
        "50,000 items (413 above); the time grows with the number of items, "
        "never with a statement per item."
    ),
    request=ApproveInput,
    response=ValueDecisionOutput,
    errors={**WRITE_ERRORS, **CONFLICT, **TOO_LARGE},
    examples=[OpenApiExample("Approve", value=DECISION_EXAMPLE, request_only=True)],
)

values_reject = documented(
    summary="Reject submitted values with a reason (Godkjenner)",
    description=(
        "As approval: all or nothing, never one's own values, at most 50,000 items."
    ),
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
