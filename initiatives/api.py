import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.api import paginated
from core.filters import strict_bool_filter
from core.schema import NOT_FOUND, documented, page_of

from .models import Delivery, Initiative, PlanningStatus
from .serializers import DeliveryOutput, InitiativeOutput


def _initiatives():
    return Initiative.objects.select_related("sub_goal__goal").prefetch_related(
        "responsible", "linked_goals", "indicators"
    )


class DeliveryFilter(django_filters.FilterSet):
    goal = django_filters.CharFilter(field_name="sub_goal__goal__code")
    sub_goal = django_filters.CharFilter(field_name="sub_goal__code")
    initiative = django_filters.CharFilter(field_name="initiative__code")
    phase = django_filters.CharFilter(field_name="phase")
    planning_status = django_filters.ChoiceFilter(choices=PlanningStatus.choices)
    removed = strict_bool_filter(method="filter_removed")

    class Meta:
        model = Delivery
        fields = []

    def filter_removed(self, queryset, name, value):
        if value:
            return queryset.exclude(removed_in_version="")
        return queryset.filter(removed_in_version="")


@documented(
    summary="List the strategic initiatives",
    operation_id="v1_initiatives_list",
    response=page_of(InitiativeOutput),
)
@api_view(["GET"])
def initiative_list(request):
    return paginated(request, _initiatives().order_by("code"), InitiativeOutput)


@documented(
    summary="One initiative by code (e.g. 1A-1)",
    response=InitiativeOutput,
    errors=NOT_FOUND,
)
@api_view(["GET"])
def initiative_detail(request, code: str):
    return Response(InitiativeOutput(get_object_or_404(_initiatives(), code=code)).data)


@extend_schema(
    parameters=[
        *(
            OpenApiParameter(name, str, description=text)
            for name, text in (
                ("goal", "Goal code, e.g. M1"),
                ("sub_goal", "Sub-goal code, e.g. 1A"),
                ("initiative", "Initiative code, e.g. 1A-1"),
                ("phase", "Roadmap phase exactly as published"),
            )
        ),
        OpenApiParameter("planning_status", str, enum=PlanningStatus.values),
        OpenApiParameter(
            "removed", bool, description="true: only deliveries removed later"
        ),
    ]
)
@documented(summary="Roadmap deliveries", response=page_of(DeliveryOutput))
@api_view(["GET"])
def delivery_list(request):
    deliveries = Delivery.objects.select_related("initiative", "sub_goal").order_by(
        "roadmap_id"
    )
    filterset = DeliveryFilter(request.query_params, queryset=deliveries)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return paginated(request, filterset.qs, DeliveryOutput)
