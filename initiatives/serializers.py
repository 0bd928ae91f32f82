from rest_framework import serializers

from core.serializers import RelatedSlugList


class DeliveryOutput(serializers.Serializer):
    roadmap_id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    phase = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    planning_status = serializers.CharField()
    initiative = serializers.CharField(source="initiative.code")
    sub_goal = serializers.CharField(source="sub_goal.code")
    version = serializers.CharField()
    removed_in_version = serializers.CharField()


class InitiativeOutput(serializers.Serializer):
    code = serializers.CharField()
    name_nb = serializers.CharField()
    name_en = serializers.CharField()
    goal = serializers.CharField(source="sub_goal.goal.code")
    sub_goal = serializers.CharField(source="sub_goal.code")
    description_nb = serializers.CharField()
    responsible = RelatedSlugList("name")
    linked_goals = RelatedSlugList("code")
    indicators = RelatedSlugList("code")
    sources = serializers.ListField(child=serializers.URLField())
