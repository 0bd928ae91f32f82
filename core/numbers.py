"""Numbers as people read them, in the active language's format (``1 234,5``
in bokmål, ``1,234.5`` in English).

Every page, chart, explainer and pack formats through these functions; the
API keeps numbers as numbers (decimals as exact text).
"""

import functools
from decimal import Decimal

from django.utils import formats, numberformat
from django.utils.translation import get_language

NO_NUMBER = "–"
MINUS = "−"  # a real minus sign, not a hyphen


@functools.cache
def _number_formats(language: str) -> tuple:
    """Decimal separator, grouping and thousand separator of a language."""
    return tuple(
        formats.get_format(name, language, use_l10n=True)
        for name in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    )


def _localized(value: float, places: int) -> str:
    """Rounded to ``places`` decimals with trailing zeros dropped (``100``, not
    ``100,0``; ``0,95``, not ``0,9500``), digits grouped, a real minus sign.

    numberformat.format with the formats looked up once per language: a
    chart's table formats every value of ten years of monthly data.
    """
    decimal, grouping, thousands = _number_formats(get_language())
    rounded = round(float(value), places)
    shown = int(rounded) if rounded.is_integer() else rounded
    text = numberformat.format(
        shown, decimal, None, grouping, thousands, force_grouping=True, use_l10n=True
    )
    return _real_minus(text)


def _real_minus(text: str) -> str:
    return MINUS + text[1:] if text.startswith("-") else text


def number_text(value: float) -> str:
    """A measured number with up to two decimals (charts, tables, checks)."""
    return _localized(value, 2)


def percent_text(rate: float) -> str:
    """A rate (0.05) as a percentage with up to two decimals: ``5 %``."""
    return f"{_localized(rate * 100, 2)} %"


def with_unit(text: str, unit_label: str) -> str:
    """A number as people read it with its unit: ``90,6 %``, ``13 min``."""
    return f"{text} {unit_label}" if unit_label and text != NO_NUMBER else text


def signed_text(value: float, *, rate: bool = False) -> str:
    """A change with its sign and a real minus sign (``+3 %``, ``−1 221,5``);
    a rate (0.03) as a percentage."""
    text = percent_text(abs(value)) if rate else number_text(abs(value))
    if round(abs(value) * (100 if rate else 1), 2) == 0:  # shown as 0: no sign
        return text
    return (MINUS if value < 0 else "+") + text


def decimal_text(value: Decimal | None) -> str:
    """A stored Decimal exactly, without trailing zeros, digits grouped, a real
    minus sign (``1 234,5``, ``−4,2`` in bokmål); empty for None."""
    if value is None:
        return ""
    normal = value.normalize()
    if normal == normal.to_integral():
        normal = normal.quantize(Decimal(1))
    return _real_minus(
        formats.number_format(normal, use_l10n=True, force_grouping=True)
    )


def method_number_text(value: float | None, places: int = 3) -> str:
    """A figure of the progress method (a progress value, a threshold) with up
    to three decimals (or ``places``); a dash for none."""
    return NO_NUMBER if value is None else _localized(value, places)


def score_text(value: object) -> str:
    """A score of -5..5 with one decimal, a sign and a real minus sign
    (``+3,9``, ``−1,2``), or a dash."""
    if not isinstance(value, int | float):
        return NO_NUMBER
    text = formats.number_format(abs(round(value, 1)), decimal_pos=1, use_l10n=True)
    return (MINUS if round(value, 1) < 0 else "+") + text
