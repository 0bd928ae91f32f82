"""Plain helpers of the value, page, import and export tests (fixtures are in
``conftest.py``)."""

from django.urls import reverse


def detail(code="IND-X"):
    return reverse("indicators:detail", args=[code])


def enter(code="IND-X"):
    return reverse("indicators:value_enter", args=[code])
