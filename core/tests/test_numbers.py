"""Numbers as people read them: one module, the language's format, units."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.numbers import (
    decimal_text,
    method_number_text,
    number_text,
    percent_text,
    score_text,
    signed_text,
    with_unit,
)


@pytest.mark.parametrize(
    ("function", "value", "nb", "en"),
    [
        (number_text, 2899.9, "2\xa0899,9", "2,899.9"),
        (number_text, 100.0, "100", "100"),
        (number_text, -4.2, "−4,2", "−4.2"),
        (percent_text, -0.1143, "−11,43 %", "−11.43 %"),
        (method_number_text, 2899.9, "2\xa0899,9", "2,899.9"),
        (method_number_text, 0.95, "0,95", "0.95"),
        (method_number_text, -4.204128, "−4,204", "−4.204"),
        (score_text, -4.204128, "−4,2", "−4.2"),
        (decimal_text, Decimal("-4.200000"), "−4,2", "−4.2"),
        (decimal_text, Decimal("2899.900000"), "2\xa0899,9", "2,899.9"),
    ],
)
def test_numbers_in_the_languages_format(function, value, nb, en):
    with translation.override("nb"):
        assert function(value) == nb
    with translation.override("en"):
        assert function(value) == en


def test_thresholds_keep_their_small_decimals_but_no_trailing_zeros():
    with translation.override("nb"):
        assert method_number_text(0.0123456, places=4) == "0,0123"
        assert method_number_text(0.6, places=4) == "0,6"


def test_a_change_has_a_sign_and_zero_has_none():
    with translation.override("nb"):
        assert signed_text(0.0202, rate=True) == "+2,02 %"
        assert signed_text(-1221.5) == "−1\xa0221,5"
        assert signed_text(0.00001, rate=True) == "0 %"


def test_units_follow_the_number_and_a_dash_stands_alone():
    assert with_unit("13", "min") == "13 min"
    assert with_unit("–", "min") == "–"
    assert with_unit("13", "") == "13"
