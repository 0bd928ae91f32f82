from rest_framework import serializers


class RelatedSlugList(serializers.ListField):
    """A to-many relation as a list of one attribute (codes, names).

    Documented as an array of strings; unlike SlugRelatedField it needs no
    ModelSerializer for the schema.
    """

    def __init__(self, slug_field: str, **kwargs):
        self.slug_field = slug_field
        super().__init__(child=serializers.CharField(), read_only=True, **kwargs)

    def to_representation(self, manager):
        return [getattr(item, self.slug_field) for item in manager.all()]
