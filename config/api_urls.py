"""REST API v1: one place that lists every endpoint of every app."""

from django.urls import path

from councils import api as councils_api
from initiatives import api as initiatives_api
from strategy import api as strategy_api

urlpatterns = [
    path("goals/", strategy_api.goal_list, name="goal-list"),
    path("goals/<str:code>/", strategy_api.goal_detail, name="goal-detail"),
    path("sub-goals/", strategy_api.sub_goal_list, name="sub-goal-list"),
    path("initiatives/", initiatives_api.initiative_list, name="initiative-list"),
    path(
        "initiatives/<str:code>/",
        initiatives_api.initiative_detail,
        name="initiative-detail",
    ),
    path("deliveries/", initiatives_api.delivery_list, name="delivery-list"),
    path("councils/", councils_api.council_list, name="council-list"),
]
