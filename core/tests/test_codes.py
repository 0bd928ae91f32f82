"""The one code rule (core.codes) for goals, sub-goals, initiatives, indicators."""

import pytest
from django.core.exceptions import ValidationError

from core.codes import code_valid


@pytest.mark.parametrize(
    "code", ["M1", "1A", "1A-1", "DEMO-M1-1", "ssb_2024.v2", "a", "9"]
)
def test_allowed_codes(code):
    code_valid(code)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("", "code_characters"),
        ("A/B", "code_characters"),
        ("A B", "code_characters"),
        ("A\n", "code_characters"),  # `$` would let a trailing newline through
        ("A\x00", "code_characters"),
        ("=1+1", "code_characters"),
        ("+A", "code_characters"),
        ("-A", "code_characters"),
        ("@A", "code_characters"),
        (".A", "code_characters"),
        ("_A", "code_characters"),
        ("ＤＥＭＯ", "code_characters"),
        ("DEMO\u200b1", "code_characters"),
        ("DÉMO", "code_characters"),
        ("A..B", "code_dots"),
        ("A...", "code_dots"),
    ],
)
def test_refused_codes(code, error):
    with pytest.raises(ValidationError) as raised:
        code_valid(code)
    assert raised.value.code == error
