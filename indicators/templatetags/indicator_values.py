from django import template

from indicators.forms import decimal_display

register = template.Library()


@register.filter
def value_display(value):
    """A value in the active language's number format (``1 234,5`` in nb)."""
    return decimal_display(value)
