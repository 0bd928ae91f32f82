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


class TextOnly:
    """Text, and only text: DRF's CharField turns 0 or 1.5 into "0" or "1.5",
    which the schema (a string) says is refused."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class TextField(TextOnly, serializers.CharField):
    pass


class TextRegexField(TextOnly, serializers.RegexField):
    pass


CODE_SCHEMA = {
    "type": "string",
    "pattern": CODE_PATTERN,
    "minLength": 1,
    "maxLength": 40,
}


@extend_schema_field(CODE_SCHEMA)
class CodeField(TextField):
    """A code as ``core.codes`` allows it, documented with its pattern.

    The one rule gives the one message (a RegexField would add its own).
    """

    def __init__(self, *, validators=(), **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(validators=[code_valid, *validators], **kwargs)
