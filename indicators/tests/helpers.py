"""Fixtures shared by the value, page, import and export tests."""

import pytest
from django.urls import reverse
from django.utils import translation


@pytest.fixture
def english(client):
    """Assertions read the English texts, whatever translations exist."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def detail(code="IND-X"):
    return reverse("indicators:detail", args=[code])


def enter(code="IND-X"):
    return reverse("indicators:value_enter", args=[code])
