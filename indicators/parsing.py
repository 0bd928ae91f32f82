"""Parsing of user-typed periods and numbers: pure functions, no Django models.

The vocabulary of periods (the frequencies) is defined here, so that the
models build their choices from it and this module imports no model.

Shared by the entry form and the CSV/XLSX import so that both accept exactly
the same input and give the same specific errors.
"""

import datetime as dt
import functools
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.spreadsheet import formula_like

# Thousand separators people type or spreadsheets write: space, no-break
# space, narrow no-break space, thin space.
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
# The reporting frequencies (granularities of a period). Plain strings: the
# per-row loops compare them; ``models.Frequency`` is built from these.
ANNUAL, QUARTERLY, MONTHLY = "annual", "quarterly", "monthly"
FREQUENCY_LABELS = {
    ANNUAL: gettext_lazy("Annual"),
    QUARTERLY: gettext_lazy("Quarterly"),
    MONTHLY: gettext_lazy("Monthly"),
}
MONTHS_PER_PERIOD = {ANNUAL: 12, QUARTERLY: 3, MONTHLY: 1}
_PERIOD_PATTERNS = (
    (re.compile(r"^(\d{4})$"), ANNUAL),
    # 2024-Q3, 2024Q3, and Statistics Norway's 2024K3.
    (re.compile(r"^(\d{4})-?[QK]([1-4])$", re.IGNORECASE), QUARTERLY),
    # 2024-06, 2024M06 (Statistics Norway).
    (re.compile(r"^(\d{4})(?:-|M)(\d{2})$", re.IGNORECASE), MONTHLY),
)
MAX_DECIMAL_PLACES = 6
MAX_INTEGER_DIGITS = 14
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# At most 14 integer and 6 decimal ASCII digits: always within the limits.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]{1,14}(?:[.,][0-9]{1,6})?")


class InputError(ValueError):
    """Input that cannot be accepted; the message says why, for the user, and
    ``field`` which part of an item it concerns (None: the item as a whole)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


# Batches (imports, API pushes) repeat the same few labels and many numbers:
# each distinct text is parsed once. Results are immutable; errors are not
# cached (their messages are in the language of the request).
@functools.lru_cache(maxsize=4096)
def decimal_parse(text: str) -> Decimal:
    """``12,5``, ``1 234,5``, ``1.234,5``, ``1234.5`` → Decimal.

    The last of ``,`` and ``.`` is the decimal separator when both appear.
    """
    # A real minus sign (U+2212), as pages write negative numbers, is a minus.
    raw = _SPACES.sub("", str(text).strip()).replace("\u2212", "-")
    if _PLAIN_NUMBER.fullmatch(raw):
        # The common forms (at most one separator, sizes within the limits):
        # what the general path below would return, without its checks.
        return Decimal(raw.replace(",", "."))
    return _decimal_parse_general(raw, text)


def _decimal_parse_general(raw: str, text: str) -> Decimal:
    if not raw:
        raise InputError(_("Enter a value."))
    if "," in raw and "." in raw:
        thousands = "." if raw.rfind(",") > raw.rfind(".") else ","
        raw = raw.replace(thousands, "")
    if raw.count(",") > 1:
        raise InputError(_("“%(text)s” is not a number.") % {"text": text})
    raw = raw.replace(",", ".")
    if not _NUMBER.fullmatch(raw):
        raise InputError(_("“%(text)s” is not a number.") % {"text": text})
    try:
        number = Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the regex guards this
        raise InputError(_("“%(text)s” is not a number.") % {"text": text}) from exc
    return _decimal_check_size(number, text)


def _decimal_check_size(number: Decimal, text: str) -> Decimal:
    _sign, digits, exponent = number.normalize().as_tuple()
    assert isinstance(exponent, int)
    if -exponent > MAX_DECIMAL_PLACES:
        raise InputError(
            _("“%(text)s” has more than %(places)d decimals.")
            % {"text": text, "places": MAX_DECIMAL_PLACES}
        )
    if len(digits) + exponent > MAX_INTEGER_DIGITS:
        raise InputError(_("“%(text)s” is too large.") % {"text": text})
    return number


@functools.lru_cache(maxsize=1024)
def period_parse(label: str, *, frequency: str, today: dt.date) -> dt.date:
    """A period label of the indicator's frequency → its first day.

    Refuses labels of another granularity and periods that have not started.
    """
    text = str(label).strip()
    start, granularity = _period_canonical(text) or _period_match(text)
    if granularity != frequency:
        raise InputError(
            _(
                "“%(text)s” is a %(given)s period but the indicator is "
                "reported %(want)s."
            )
            % {
                "text": text,
                "given": FREQUENCY_LABELS[granularity].lower(),
                "want": FREQUENCY_LABELS[frequency].lower(),
            }
        )
    if start > today:
        raise InputError(_("The period %(text)s lies in the future.") % {"text": text})
    return start


def period_start_of(label: str) -> dt.date:
    """The first day of the period a label names, of whatever granularity."""
    return period_of(label)[0]


def period_of(label: str) -> tuple[dt.date, str]:
    """The first day and the granularity of the period a label names."""
    text = str(label).strip()
    return _period_canonical(text) or _period_match(text)


def _period_canonical(text: str) -> tuple[dt.date, str] | None:
    """``2024``, ``2024-06``, ``2024-Q3`` within range, fast; else None."""
    year = text[:4]
    if not (year.isascii() and year.isdigit() and "2000" <= year <= "2100"):
        return None
    if len(text) == 4:
        return dt.date(int(year), 1, 1), ANNUAL
    if len(text) != 7 or text[4] != "-":
        return None
    tail = text[5:]
    if tail[0] == "Q" and tail[1] in "1234":
        return dt.date(int(year), int(tail[1]) * 3 - 2, 1), QUARTERLY
    if tail.isascii() and tail.isdigit() and "01" <= tail <= "12":
        return dt.date(int(year), int(tail), 1), MONTHLY
    return None


def _period_match(text: str) -> tuple[dt.date, str]:
    for pattern, granularity in _PERIOD_PATTERNS:
        match = pattern.match(text)
        if match:
            return _period_start(match, granularity, text), granularity
    raise InputError(
        _("“%(text)s” is not a period: write 2024, 2024-Q3 or 2024-06.")
        % {"text": text}
    )


def _period_start(match: re.Match, granularity: str, text: str) -> dt.date:
    year = int(match.group(1))
    if not 2000 <= year <= 2100:
        raise InputError(_("The year in “%(text)s” is out of range.") % {"text": text})
    if granularity == ANNUAL:
        return dt.date(year, 1, 1)
    if granularity == QUARTERLY:
        return dt.date(year, (int(match.group(2)) - 1) * 3 + 1, 1)
    month = int(match.group(2))
    if not 1 <= month <= 12:
        raise InputError(_("“%(text)s” has no such month.") % {"text": text})
    return dt.date(year, month, 1)


def period_label(start: dt.date, granularity: str) -> str:
    """``2024``, ``2024-Q3`` or ``2024-06``."""
    if granularity == QUARTERLY:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if granularity == MONTHLY:
        return f"{start.year}-{start.month:02d}"
    return str(start.year)


def period_label_from_time(time: float) -> str:
    """The label of the period starting at a decimal year (``2024.5`` →
    ``2024-07``, ``2024.0`` → ``2024``), as the progress method keeps times."""
    year = int(time)
    month = round((time - year) * 12) + 1
    return str(year) if month == 1 else f"{year}-{month:02d}"


def period_next(start: dt.date, granularity: str) -> dt.date:
    """The first day of the following period."""
    months = MONTHS_PER_PERIOD.get(granularity, 1)
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def text_check(text: str) -> str:
    """The text stripped, or InputError if a spreadsheet could run it as a
    formula, blanks and invisible characters before it or not
    (``core.spreadsheet.formula_like``)."""
    value = str(text).strip()
    if formula_like(value):
        raise InputError(
            _(
                "Text may not start with = + - @ (it could run as a formula): "
                "“%(text)s”."
            )
            % {"text": value[:40]}
        )
    return value
