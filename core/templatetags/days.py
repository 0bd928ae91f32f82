"""Dates kept as ISO text (frozen meeting packs) shown as the pages show dates."""

import datetime as dt

from django import template
from django.utils import dateformat

register = template.Library()
DAY_FORMAT = "d.m.Y"  # as every page writes a day


@register.filter
def day(value) -> str:
    """``2026-12-01`` (text, date or datetime) as ``01.12.2026``; else as given."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return dateformat.format(value, DAY_FORMAT)
    return "" if value is None else str(value)
