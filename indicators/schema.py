"""OpenAPI documentation of the indicators API: examples and descriptions.

Each name below decorates one view of ``api.py`` with its schema, so that the
views hold only what they do.
"""

import copy

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
)
from rest_framework import serializers

from core.schema import (
    CONFLICT,
    NOT_FOUND,
    TOO_LARGE,
    WRITE_ERRORS,
    documented,
    page_example,
    page_of,
)

from .breakdowns import CODE_PATTERN as BREAKDOWN_CODE
from .models import BreakdownLevel, ValueStatus
from .serializers import (
    MAX_COMMENT,
    PERIOD_PATTERN,
    ApproveInput,
    BreakdownDimensionOutput,
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
    "breakdowns": ["region"],
}
PERIOD_SCHEMA = {"type": "string", "pattern": PERIOD_PATTERN}
_PAIR = f"{BREAKDOWN_CODE}:{BREAKDOWN_CODE}"
BREAKDOWN_FILTER_PATTERN = f"^(national|{_PAIR}(,{_PAIR})*)$"
VALUE_LIST_PARAMETERS = [
    OpenApiParameter(
        "from", PERIOD_SCHEMA, description="First period, e.g. 2020, 2020-Q1, 2020-01"
    ),
    OpenApiParameter("to", PERIOD_SCHEMA, description="Last period, e.g. 2024"),
    OpenApiParameter("status", str, enum=ValueStatus.values),
    OpenApiParameter(
        "breakdown",
        {"type": "string", "pattern": BREAKDOWN_FILTER_PATTERN},
        description="One series: `region:03` (several dimensions joined by "
        "commas, `region:03,sector:kommune`), or `national` for the national "
        "figure. Without it, every series.",
    ),
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
    "breakdown": {"region": "03"},
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
BROKEN_DOWN_EXAMPLE = [
    {"period": "2024", "value": "57.0"},
    {"period": "2024", "value": "61.5", "breakdown": {"region": "03"}},
    {"period": "2024", "value": "52.0", "breakdown": {"region": "HN"}},
]
BATCH_EXAMPLE = {
    "created": 1,
    "revised": 1,
    "unchanged": 0,
    "items": [
        {"indicator": "M1-DIGI-1", "period": "2024", "outcome": "created"},
        {
            "indicator": "M1-DIGI-1",
            "period": "2023",
            "breakdown": {"region": "03"},
            "outcome": "revised",
        },
    ],
}
VALUE_WRITE_DESCRIPTION = (
    "All or nothing, in one transaction. Values arrive as submitted and wait "
    "for approval. Re-sending a value that is already recorded changes nothing "
    "(`unchanged`); a different value for a period becomes a new revision "
    "(`revised`, needs a `comment`). Errors in `details` are keyed by the "
    "item's position. An item's `breakdown` names its series (`{\"region\": "
    '"03"}`; absent or `{}` for the national figure): only dimensions the '
    "indicator declares, with codes of their code lists (`GET breakdowns/`). "
    "At most 50,000 items (413 above). A key writes only the indicators and "
    "goals in its scope (403 naming the others)."
)
DATASET_DESCRIPTION = """

**Or a JSON-stat 2.0 dataset** (`"class": "dataset"`), as Statistics Norway's
PxWebApi v2 answers in `json-stat2`: each non-null value is an item, recorded
by the same rules. The time dimension is the one `role.time` names (`2024`,
`2024K3`, `2024M06` and `2024-Q3`, `2024-06` understood, in the indicator's
frequency). A dimension whose id is one of the indicator's breakdowns
(case-insensitively), or that `role.geo` names for `region`, is that
breakdown; a category coded as the whole country (`0`, `00`, `0000`) is the
national figure. Any other dimension must have one category (SSB's
`ContentsCode`) and is ignored. `extension.comment` is the comment of every
value (needed when one is corrected). At most 50,000 values (413).

Errors of a cell are keyed in `details` by the cell's dimension codes,
`{"Region=99, Tid=2024": {"breakdown": ["…"]}}` (fields `period`, `value`,
`breakdown`, `comment`, or `non_field_errors`); errors of the dataset as a
whole (no time role, a size that does not match the values, not a dataset)
are under `non_field_errors`. Nothing is written while any error remains."""
SSB_DATASET_EXAMPLE = {
    "version": "2.0",
    "class": "dataset",
    "label": "Andel innbyggere som bruker digitale helsetjenester",
    "source": "Statistisk sentralbyrå",
    "id": ["Region", "ContentsCode", "Tid"],
    "size": [2, 1, 2],
    "role": {"geo": ["Region"], "metric": ["ContentsCode"], "time": ["Tid"]},
    "dimension": {
        "Region": {
            "label": "region",
            "category": {
                "index": {"03": 0, "46": 1},
                "label": {"03": "Oslo", "46": "Vestland"},
            },
        },
        "ContentsCode": {
            "label": "statistikkvariabel",
            "category": {"index": {"Andel": 0}, "label": {"Andel": "Andel"}},
        },
        "Tid": {
            "label": "år",
            "category": {
                "index": {"2023": 0, "2024": 1},
                "label": {"2023": "2023", "2024": "2024"},
            },
        },
    },
    "value": [58.1, 61.5, 54.0, None],
}
DATASET_ERROR_EXAMPLE = {
    "error": {
        "status": 400,
        "code": "invalid",
        "message": "The request has invalid data: see details.",
        "details": {
            "Region=99, Tid=2024": {
                "breakdown": ["“99” is not a code in the dimension region."]
            }
        },
    }
}


class JsonStatDataset(serializers.Serializer):
    """A JSON-stat 2.0 dataset; documentation only (``jsonstat`` reads it)."""


# JSON-stat's objects carry more than these fields (labels, notes, units,
# ``extension``): the schema names what is read and lets the rest through.
_CODES = {"type": "array", "items": {"type": "string"}}
_CELL_VALUE = {
    "type": "number",
    "nullable": True,
    "description": "A number (a numeric string is read too); null for missing data.",
}
DATASET_SCHEMA = {
    "type": "object",
    "description": "A JSON-stat 2.0 dataset (https://json-stat.org/format/).",
    "required": ["class", "id", "size", "role", "dimension", "value"],
    "properties": {
        "class": {"type": "string", "enum": ["dataset"]},
        "version": {"type": "string"},
        "id": {**_CODES, "description": "The dimensions, in the order of `value`"},
        "size": {
            "type": "array",
            "items": {"type": "integer", "minimum": 0},
            "description": "The number of categories of each dimension of `id`",
        },
        "role": {
            "type": "object",
            "properties": {
                "time": {**_CODES, "minItems": 1, "maxItems": 1},
                "geo": _CODES,
                "metric": _CODES,
            },
            "required": ["time"],
            "additionalProperties": True,
        },
        "dimension": {
            "type": "object",
            "description": "Each dimension of `id` with its `category.index` "
            "(a list of codes, or code → position) and labels",
            "additionalProperties": {"type": "object", "additionalProperties": True},
        },
        "value": {
            "oneOf": [
                {"type": "array", "items": _CELL_VALUE},
                {"type": "object", "additionalProperties": _CELL_VALUE},
            ],
            "description": "One value per cell, the last dimension varying "
            "fastest; or an object from position to value",
        },
        "extension": {
            "type": "object",
            "properties": {
                "comment": {
                    "type": "string",
                    "maxLength": MAX_COMMENT,
                    "description": "The comment of every value: why a value "
                    "changes (required for a correction)",
                }
            },
            "additionalProperties": True,
        },
    },
    "additionalProperties": True,
}


class JsonStatDatasetScheme(OpenApiSerializerExtension):
    target_class = JsonStatDataset

    def map_serializer(self, auto_schema, direction):
        # A copy: the postprocessing hooks change the schema they are given in
        # place (an enum becomes a $ref), and the schema is built per request.
        return copy.deepcopy(DATASET_SCHEMA)


DECISION_EXAMPLE = {
    "items": [
        {"indicator": "M1-DIGI-1", "period": "2024"},
        {"indicator": "M1-DIGI-1", "period": "2024", "breakdown": {"region": "03"}},
    ]
}


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
    parameters=[
        OpenApiParameter("as_of", OpenApiTypes.DATE, description="YYYY-MM-DD"),
        OpenApiParameter(
            "breakdown",
            {"type": "string", "pattern": BREAKDOWN_FILTER_PATTERN},
            description="One series: `region:03`, or `national` (the default, "
            "the indicator's own status). A broken-down series is judged by "
            "the same method against the indicator's target, from its own "
            "first value.",
        ),
    ],
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
        description=VALUE_WRITE_DESCRIPTION + DATASET_DESCRIPTION,
        request=PolymorphicProxySerializer(
            component_name="ValueItemListOrDataset",
            serializers=[ValueItemInput, ValueItemInput(many=True), JsonStatDataset],
            resource_type_field_name=None,
            many=False,
        ),
        response=ValueBatchOutput,
        errors={**NOT_FOUND, **WRITE_ERRORS, **TOO_LARGE},
        examples=[
            OpenApiExample("One value", value=VALUE_ITEM_EXAMPLE, request_only=True),
            OpenApiExample(
                "National and regional values",
                value=BROKEN_DOWN_EXAMPLE,
                request_only=True,
            ),
            OpenApiExample(
                "JSON-stat dataset (SSB)", value=SSB_DATASET_EXAMPLE, request_only=True
            ),
            OpenApiExample("Outcome", value=BATCH_EXAMPLE, response_only=True),
            OpenApiExample(
                "A dataset's cell refused",
                value=DATASET_ERROR_EXAMPLE,
                response_only=True,
                status_codes=["400"],
            ),
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

LEVEL_PARAMETER = OpenApiParameter(
    "level",
    str,
    enum=[level for level in BreakdownLevel.values if level],
    description="Only the categories of this level of the region dimension",
)
BREAKDOWN_EXAMPLE = {
    "code": "region",
    "name": "Region",
    "name_en": "Region",
    "builtin": True,
    "categories": [
        {
            "code": "HSØ",
            "name": "Helse Sør-Øst",
            "name_en": "South-Eastern Norway Regional Health Authority",
            "level": "health_region",
            "parent": None,
        },
        {
            "code": "03",
            "name": "Oslo",
            "name_en": "Oslo",
            "level": "county",
            "parent": "HSØ",
        },
    ],
}

breakdown_list = documented(
    summary="List the breakdown dimensions and their code lists",
    operation_id="v1_breakdowns_list",
    description=(
        "The dimensions an indicator's values may be broken down by (its "
        "`breakdowns`), each with its code list: the codes a value's "
        "`breakdown` may name. `region` holds the four health regions, the "
        "counties and the municipalities of the 2024 division, each with the "
        "code of the region it is part of."
    ),
    response=page_of(BreakdownDimensionOutput),
    parameters=[LEVEL_PARAMETER],
    examples=[OpenApiExample("Dimensions", value=page_example(BREAKDOWN_EXAMPLE))],
)

breakdown_detail = documented(
    summary="One breakdown dimension and its code list",
    response=BreakdownDimensionOutput,
    errors=NOT_FOUND,
    parameters=[LEVEL_PARAMETER],
    examples=[OpenApiExample("Region", value=BREAKDOWN_EXAMPLE)],
)
