import pytest
from django.utils import translation

from indicators.templatetags.indicator_values import value_display


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("nb", 10128.8, "10\xa0128,8"),
        ("nb", 93.1, "93,1"),
        ("nb", 67.0, "67"),
        ("en", 10128.8, "10,128.8"),
    ],
)
def test_a_series_value_is_written_as_the_language_writes_numbers(
    language, value, shown
):
    with translation.override(language):
        assert value_display(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [("64.5", "64,5"), ("1234.50", "1\xa0234,5"), ("tolv", "tolv"), ("NaN", "NaN")],
)
def test_an_import_report_value_is_shown_in_norwegian_unless_it_was_refused(
    value, shown
):
    with translation.override("nb"):
        assert value_display(value) == shown
