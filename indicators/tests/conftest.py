"""Fixtures of the indicator tests; a test module may define its own instead."""

import pytest
from django.utils import translation

from tests.factories import IndicatorFactory


@pytest.fixture
def indicator():
    """A count indicator, IND-X, as the value entry tests use it."""
    return IndicatorFactory(code="IND-X", unit="count")


@pytest.fixture
def english(client):
    """Assertions read the English texts, whatever translations exist."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield
