"""Query filters shared by the apps' APIs: strict, so that a typo is a 400."""

import django_filters
from django import forms


def strict_bool_filter(**kwargs) -> django_filters.Filter:
    """``true`` or ``false``; anything else is a 400, not silently ignored."""
    return django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda text: text == "true",
        **kwargs,
    )


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (an id): ``0.5`` is a 400, not a filter matching nothing."""

    field_class = forms.IntegerField
