from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .codes import CODE_PATTERN, code_valid


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


@extend_schema_field(
    {"type": "string", "pattern": CODE_PATTERN, "minLength": 1, "maxLength": 40}
)
class CodeField(serializers.CharField):
    """A code as ``core.codes`` allows it, documented with its pattern.

    The one rule gives the one message (a RegexField would add its own).
    """

    def __init__(self, *, validators=(), **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(validators=[code_valid, *validators], **kwargs)
