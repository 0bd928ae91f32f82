import pytest
from django.utils import translation

from strategy.templatetags.progress import score


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("nb", 3.94, "+3,9"),
        ("nb", -0.26, "−0,3"),
        ("nb", 0.0, "+0,0"),
        ("nb", -0.04, "+0,0"),  # rounds to zero: no minus sign on a zero
        ("en", 3.94, "+3.9"),
        ("en", -5, "−5.0"),
        ("nb", None, "–"),
    ],
)
def test_a_score_is_written_as_the_language_writes_numbers(language, value, shown):
    with translation.override(language):
        assert score(value) == shown
