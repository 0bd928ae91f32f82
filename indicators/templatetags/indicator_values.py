from decimal import Decimal, InvalidOperation

from django import template

from core.numbers import decimal_text

register = template.Library()


@register.filter
def value_display(value):
    """A value in the active language's number format (``1 234,5`` in nb).

    Takes the Decimals of stored values, the floats of chart series and the
    canonical decimal text of an import report ("64.5") alike; other text is
    shown as it is.
    """
    if isinstance(value, float):
        value = Decimal(repr(round(value, 6)))
    elif isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return value
        if not value.is_finite():
            return str(value)
    return decimal_text(value)
