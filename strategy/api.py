from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .models import Goal, SubGoal
from .serializers import GoalOutput, SubGoalOutput


def _goals():
    return Goal.objects.prefetch_related("sub_goals").order_by("order")


@extend_schema(responses=GoalOutput(many=True), summary="List the strategic goals")
@api_view(["GET"])
def goal_list(request):
    return Response(GoalOutput(_goals(), many=True).data)


@extend_schema(responses=GoalOutput, summary="One strategic goal by code (M1…M5)")
@api_view(["GET"])
def goal_detail(request, code: str):
    goal = get_object_or_404(_goals(), code=code)
    return Response(GoalOutput(goal).data)


@extend_schema(responses=SubGoalOutput(many=True), summary="List the sub-goals")
@api_view(["GET"])
def sub_goal_list(request):
    sub_goals = SubGoal.objects.select_related("goal").order_by("goal__order", "order")
    return Response(SubGoalOutput(sub_goals, many=True).data)
