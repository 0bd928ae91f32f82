"""Periods and numbers as people type them; the fast paths equal the general ones."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from indicators import parsing
from indicators.parsing import InputError, decimal_parse, period_parse
from tests.factories import IndicatorValueFactory

pytestmark = pytest.mark.usefixtures("english")
TODAY = dt.date(2026, 6, 15)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("57", "57"),
        ("57.0", "57.0"),
        ("12,5", "12.5"),
        ("-3", "-3"),
        ("+3", "3"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234,5", "1234.5"),
        ("1.234,5", "1234.5"),
        ("1,234.5", "1234.5"),
        (" 5 ", "5"),
        (".5", "0.5"),
        ("5.", "5"),
        ("12345678901234", "12345678901234"),
        ("1.123456", "1.123456"),
        ("1.1000000", "1.1"),
        ("000000000000000001", "1"),
    ],
)
def test_numbers_in_the_forms_people_type(text, number):
    parsed = decimal_parse(text)
    assert parsed == Decimal(number)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a value."),
        ("abc", "“abc” is not a number."),
        ("1,2,3", "“1,2,3” is not a number."),
        ("1e5", "“1e5” is not a number."),
        ("NaN", "“NaN” is not a number."),
        ("1_000", "“1_000” is not a number."),
        ("1.1234567", "“1.1234567” has more than 6 decimals."),
        ("123456789012345", "“123456789012345” is too large."),
    ],
)
def test_numbers_refused_specifically(text, message):
    with pytest.raises(InputError) as exc:
        decimal_parse(text)
    assert str(exc.value) == message


NUMBER_TEXT = st.text(alphabet="0123456789,.+- \u00a0e", max_size=24)


@given(NUMBER_TEXT)
@example("12,5")
@example("-0")
@example("99999999999999,999999")
def test_the_fast_number_path_returns_what_the_general_one_does(text):
    raw = parsing._SPACES.sub("", text.strip())
    if not parsing._PLAIN_NUMBER.fullmatch(raw):
        return
    fast = decimal_parse(text)
    general = parsing._decimal_parse_general(raw, text)
    assert (str(fast), fast) == (str(general), general)


@pytest.mark.parametrize(
    ("text", "frequency", "start"),
    [
        ("2024", "annual", dt.date(2024, 1, 1)),
        (" 2024 ", "annual", dt.date(2024, 1, 1)),
        ("2024-Q3", "quarterly", dt.date(2024, 7, 1)),
        ("2024q1", "quarterly", dt.date(2024, 1, 1)),
        ("2024K4", "quarterly", dt.date(2024, 10, 1)),
        ("2024-06", "monthly", dt.date(2024, 6, 1)),
        ("2024M12", "monthly", dt.date(2024, 12, 1)),
    ],
)
def test_periods_in_the_forms_people_type(text, frequency, start):
    assert period_parse(text, frequency=frequency, today=TODAY) == start


@pytest.mark.parametrize(
    ("text", "frequency", "message"),
    [
        ("24", "annual", "“24” is not a period: write 2024, 2024-Q3 or 2024-06."),
        ("2024-Q5", "quarterly", "“2024-Q5” is not a period"),
        ("2024-13", "monthly", "“2024-13” has no such month."),
        ("1999", "annual", "The year in “1999” is out of range."),
        ("2024", "monthly", "“2024” is a annual period but the indicator is "),
        ("2027", "annual", "The period 2027 lies in the future."),
        ("2026-07", "monthly", "The period 2026-07 lies in the future."),
    ],
)
def test_periods_refused_specifically(text, frequency, message):
    with pytest.raises(InputError) as exc:
        period_parse(text, frequency=frequency, today=TODAY)
    assert str(exc.value).startswith(message)


PERIOD_TEXT = st.text(
    alphabet="0123456789-QqKM", min_size=4, max_size=8
) | st.from_regex(r"\A(19|20|21)[0-9]{2}(-Q[0-9]|-[0-9]{2})?\Z")


@given(PERIOD_TEXT)
@example("2100-12")
@example("2101")
@example("2024-00")
def test_the_fast_period_path_returns_what_the_patterns_do(text):
    fast = parsing._period_canonical(text)
    if fast is None:
        return
    assert parsing._period_match(text) == fast


@pytest.mark.django_db  # as where it was written, among the constraint tests
def test_period_labels():
    annual = IndicatorValueFactory.build(period_start=dt.date(2024, 1, 1))
    quarterly = IndicatorValueFactory.build(
        period_start=dt.date(2024, 7, 1), granularity="quarterly"
    )
    monthly = IndicatorValueFactory.build(
        period_start=dt.date(2024, 6, 1), granularity="monthly"
    )
    assert (annual.period_label, quarterly.period_label, monthly.period_label) == (
        "2024",
        "2024-Q3",
        "2024-06",
    )


HIDDEN_FORMULAS = [
    "=1+1",
    " =1+1",
    "\n=1+1",
    "\r\n=1+1",
    "\u00a0=1+1",
    "\u2009+1",
    "\u200b=1+1",
    "\ufeff@SUM(A1)",
    "＝1+1",
    "  \t -1",
]


@pytest.mark.parametrize("text", HIDDEN_FORMULAS)
def test_the_formula_guard_looks_past_blanks_and_invisible_characters(text):
    """The outside test stored " =1+1", "\n=1+1" and "\u00a0=1+1" as =1+1."""
    with pytest.raises(InputError, match="formula"):
        parsing.text_check(text)


@pytest.mark.parametrize(
    ("text", "stored"),
    [("ok", "ok"), ("  Rettet tall \n", "Rettet tall"), ("1 + 1 = 2", "1 + 1 = 2")],
)
def test_text_is_stored_stripped(text, stored):
    assert parsing.text_check(text) == stored


def test_a_number_written_with_a_real_minus_reads_back():
    """Pages write negative numbers with U+2212 (core.numbers); pasted back
    into a form they are the same number."""
    assert decimal_parse("−4,2") == Decimal("-4.2")
