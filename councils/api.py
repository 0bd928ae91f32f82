import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework.decorators import api_view
from rest_framework.response import Response

from core.api import filtered, paginated
from core.filters import IntegerFilter
from core.schema import BAD_REQUEST, NOT_FOUND, documented, page_example, page_of

from . import selectors
from .models import Council, Decision, Meeting, MeetingStatus
from .serializers import (
    AgendaItemOutput,
    CouncilOutput,
    DecisionOutput,
    MeetingDetailOutput,
    MeetingOutput,
)


@documented(summary="The councils", response=CouncilOutput(many=True))
@api_view(["GET"])
def council_list(request):
    return Response(CouncilOutput(Council.objects.all(), many=True).data)


class MeetingFilter(django_filters.FilterSet):
    council = django_filters.CharFilter(field_name="council__slug")
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = []


class DecisionFilter(django_filters.FilterSet):
    council = django_filters.CharFilter(field_name="agenda_item__council__slug")
    meeting = IntegerFilter(field_name="agenda_item__meeting_id")
    decided_from = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte")
    decided_to = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte")

    class Meta:
        model = Decision
        fields = []


def _day(name: str, text: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.DATE, description=text)


MEETING_EXAMPLE = {
    "id": 7,
    "council": "nasjonalt-e-helserad",
    "date": "2026-03-12",
    "title": "Møte 1/2026",
    "place": "Oslo",
    "status": "held",
}


@documented(
    summary="Council meetings, newest first",
    operation_id="v1_meetings_list",
    response=page_of(MeetingOutput),
    errors=BAD_REQUEST,
    parameters=[
        OpenApiParameter("council", str, description="Council slug"),
        OpenApiParameter("status", str, enum=MeetingStatus.values),
        _day("date_from", "First date"),
        _day("date_to", "Last date"),
    ],
    examples=[OpenApiExample("Meetings", value=page_example(MEETING_EXAMPLE))],
)
@api_view(["GET"])
def meeting_list(request):
    meetings = Meeting.objects.select_related("council").order_by("-date", "-pk")
    return paginated(request, filtered(MeetingFilter, request, meetings), MeetingOutput)


@documented(
    summary="One meeting with its agenda, decisions and follow-up actions",
    response=MeetingDetailOutput,
    errors=NOT_FOUND,
    examples=[
        OpenApiExample(
            "Meeting",
            value={
                **MEETING_EXAMPLE,
                "agenda_items": [
                    {
                        "case_number": "3/26",
                        "title": "Status for målindikatorene",
                        "kind": "beslutning",
                        "presenter": "Sekretariatet",
                        "description": "",
                        "goals": ["M1"],
                        "indicators": [],
                        "initiatives": [],
                        "decisions": [],
                    }
                ],
            },
        )
    ],
)
@api_view(["GET"])
def meeting_detail(request, pk: int):
    meeting = selectors.meeting_get(pk=pk)
    agenda = selectors.meeting_agenda(meeting=meeting)
    data = MeetingOutput(meeting).data
    data["agenda_items"] = AgendaItemOutput(agenda, many=True).data
    return Response(data)


@documented(
    summary="Council decisions, newest first",
    response=page_of(DecisionOutput),
    errors=BAD_REQUEST,
    parameters=[
        OpenApiParameter("council", str, description="Council slug"),
        OpenApiParameter("meeting", int, description="Meeting id"),
        _day("decided_from", "First date"),
        _day("decided_to", "Last date"),
    ],
    examples=[
        OpenApiExample(
            "Decisions",
            value=page_example(
                {
                    "id": 3,
                    "council": "nasjonalt-e-helserad",
                    "meeting": 7,
                    "case_number": "3/26",
                    "agenda_item": "Status for målindikatorene",
                    "text": "Rådet tar statusen til orientering.",
                    "decided_on": "2026-03-12",
                }
            ),
        )
    ],
)
@api_view(["GET"])
def decision_list(request):
    decisions = Decision.objects.select_related(
        "agenda_item__council", "agenda_item__meeting"
    ).order_by("-decided_on", "-pk")
    return paginated(
        request, filtered(DecisionFilter, request, decisions), DecisionOutput
    )
