from django.shortcuts import get_object_or_404
from rest_framework.decorators import api_view
from rest_framework.response import Response

from core.schema import NOT_FOUND, documented

from .models import Goal, SubGoal
from .serializers import GoalOutput, SubGoalOutput


def _goals():
    return Goal.objects.prefetch_related("sub_goals").order_by("order")


@documented(summary="List the strategic goals", response=GoalOutput(many=True))
@api_view(["GET"])
def goal_list(request):
    return Response(GoalOutput(_goals(), many=True).data)


@documented(
    summary="One strategic goal by code (M1…M5)", response=GoalOutput, errors=NOT_FOUND
)
@api_view(["GET"])
def goal_detail(request, code: str):
    goal = get_object_or_404(_goals(), code=code)
    return Response(GoalOutput(goal).data)


@documented(summary="List the sub-goals", response=SubGoalOutput(many=True))
@api_view(["GET"])
def sub_goal_list(request):
    sub_goals = SubGoal.objects.select_related("goal").order_by("goal__order", "order")
    return Response(SubGoalOutput(sub_goals, many=True).data)
