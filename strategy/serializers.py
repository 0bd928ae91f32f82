from rest_framework import serializers


class SubGoalOutput(serializers.Serializer):
    code = serializers.CharField()
    goal = serializers.CharField(source="goal.code")
    title_nb = serializers.CharField()
    title_en = serializers.CharField()
    strategy_version = serializers.CharField()
    sources = serializers.ListField(child=serializers.URLField())


class SubGoalBrief(serializers.Serializer):
    code = serializers.CharField()
    title_nb = serializers.CharField()


class GoalOutput(serializers.Serializer):
    code = serializers.CharField()
    title_nb = serializers.CharField()
    title_en = serializers.CharField()
    description_nb = serializers.CharField()
    description_en = serializers.CharField()
    kind = serializers.CharField()
    order = serializers.IntegerField()
    strategy_version = serializers.CharField()
    sources = serializers.ListField(child=serializers.URLField())
    sub_goals = SubGoalBrief(many=True)
