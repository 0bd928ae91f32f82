"""REST API v1: one place that lists every endpoint of every app."""

from django.urls import path

from councils import api as councils_api
from indicators import api as indicators_api
from initiatives import api as initiatives_api
from strategy import api as strategy_api

urlpatterns = [
    path("goals/", strategy_api.goal_list, name="goal-list"),
    path("goals/<str:code>/", strategy_api.goal_detail, name="goal-detail"),
    path("sub-goals/", strategy_api.sub_goal_list, name="sub-goal-list"),
    path("indicators/", indicators_api.indicator_list, name="indicator-list"),
    path(
        "indicators/<str:code>/",
        indicators_api.indicator_detail,
        name="indicator-detail",
    ),
    path(
        "indicators/<str:code>/progress/",
        indicators_api.indicator_progress,
        name="indicator-progress",
    ),
    path(
        "indicators/<str:code>/values/",
        indicators_api.indicator_values,
        name="indicator-values",
    ),
    path("breakdowns/", indicators_api.breakdown_list, name="breakdown-list"),
    path(
        "breakdowns/<str:code>/",
        indicators_api.breakdown_detail,
        name="breakdown-detail",
    ),
    path("values/bulk/", indicators_api.values_bulk, name="values-bulk"),
    path("values/approve/", indicators_api.values_approve_view, name="values-approve"),
    path("values/reject/", indicators_api.values_reject_view, name="values-reject"),
    path("initiatives/", initiatives_api.initiative_list, name="initiative-list"),
    path(
        "initiatives/<str:code>/",
        initiatives_api.initiative_detail,
        name="initiative-detail",
    ),
    path("deliveries/", initiatives_api.delivery_list, name="delivery-list"),
    path("councils/", councils_api.council_list, name="council-list"),
    path("meetings/", councils_api.meeting_list, name="meeting-list"),
    path("meetings/<int:pk>/", councils_api.meeting_detail, name="meeting-detail"),
    path("decisions/", councils_api.decision_list, name="decision-list"),
]
