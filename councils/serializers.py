from rest_framework import serializers

from core.serializers import RelatedSlugList


class CouncilOutput(serializers.Serializer):
    slug = serializers.CharField()
    name_nb = serializers.CharField()
    name_en = serializers.CharField()
    level = serializers.IntegerField()
    mandate_nb = serializers.CharField()
    sources = serializers.ListField(child=serializers.URLField())


class MeetingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    council = serializers.CharField(source="council.slug")
    date = serializers.DateField()
    title = serializers.CharField()
    place = serializers.CharField()
    status = serializers.CharField()


class ActionOutput(serializers.Serializer):
    description = serializers.CharField()
    # An organisation, a person or both answer for it (either may be null).
    responsible = serializers.CharField(source="responsible.name", allow_null=True)
    assignee = serializers.CharField(source="assignee.username", allow_null=True)
    due_date = serializers.DateField()
    status = serializers.CharField()
    status_note = serializers.CharField()


class AgendaDecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    decided_on = serializers.DateField()
    actions = ActionOutput(many=True)


class AgendaItemOutput(serializers.Serializer):
    case_number = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    presenter = serializers.CharField()
    description = serializers.CharField()
    goals = RelatedSlugList("code")
    indicators = RelatedSlugList("code")
    initiatives = RelatedSlugList("code")
    decisions = AgendaDecisionOutput(many=True)


class MeetingDetailOutput(MeetingOutput):
    agenda_items = AgendaItemOutput(many=True)


class DecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    council = serializers.CharField(source="agenda_item.council.slug")
    meeting = serializers.IntegerField(source="agenda_item.meeting_id")
    case_number = serializers.CharField(source="agenda_item.case_number")
    agenda_item = serializers.CharField(source="agenda_item.title")
    text = serializers.CharField()
    decided_on = serializers.DateField()
