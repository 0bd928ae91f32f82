"""Fixtures shared by the value, page, import and export tests."""

import pytest
from django.utils import translation


@pytest.fixture
def english(client):
    """Assertions read the English texts, whatever translations exist."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield
