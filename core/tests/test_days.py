import datetime as dt

import pytest

from core.templatetags.days import day


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-12-01", "01.12.2026"),
        ("2026-12-01T10:15:00+01:00", "01.12.2026"),
        (dt.date(2026, 3, 9), "09.03.2026"),
        ("not a date", "not a date"),
        (None, ""),
        ("", ""),
    ],
)
def test_a_frozen_iso_day_is_shown_as_pages_show_days(value, shown):
    assert day(value) == shown
