from rest_framework import serializers


class CouncilOutput(serializers.Serializer):
    slug = serializers.CharField()
    name_nb = serializers.CharField()
    name_en = serializers.CharField()
    level = serializers.IntegerField()
    mandate_nb = serializers.CharField()
    sources = serializers.ListField(child=serializers.URLField())
