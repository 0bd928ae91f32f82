"""Dates kept as ISO text (frozen meeting packs) shown as the pages show dates."""

import datetime as dt

from django import template

register = template.Library()


@register.filter
def day(value) -> str:
    """``2026-12-01`` (text, date or datetime) as ``01.12.2026``; else as given."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.date):
        # As every page writes a day (date:"d.m.Y"); an f-string is faster in
        # long tables.
        return f"{value:%d.%m.%Y}"
    return "" if value is None else str(value)
