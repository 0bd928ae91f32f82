from decimal import Decimal

from django import template

from indicators.forms import decimal_display

register = template.Library()


@register.filter
def value_display(value):
    """A value in the active language's number format (``1 234,5`` in nb).

    Takes the Decimals of stored values and the floats of chart series alike.
    """
    if isinstance(value, float):
        value = Decimal(repr(round(value, 6)))
    return decimal_display(value)
