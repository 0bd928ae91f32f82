import re
from decimal import Decimal, InvalidOperation

from django import template

from core.numbers import decimal_text
from indicators.parsing import period_label_from_time

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


# The canonical decimal text an import report keeps of a parsed value ("78.9").
_CANONICAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@register.filter
def report_value(text):
    """A value cell of an import report: parsed values (canonical "78.9") in
    the language's format, anything else (a cell that did not parse) as typed."""
    if isinstance(text, str) and _CANONICAL.fullmatch(text):
        return decimal_text(Decimal(text))
    return text


@register.filter
def period_of(time: float) -> str:
    """The period starting at a decimal year, as the method keeps times
    (``2024.9166…`` → ``2024-12``, not a rounded ``2025``)."""
    return period_label_from_time(float(time))
