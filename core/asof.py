"""The ``as_of`` date every dashboard page takes: what was known on that day."""

import datetime as dt

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _


class AsOfError(ValueError):
    """The as_of parameter is not a usable date; the message says why."""


def as_of_from(params) -> dt.date | None:
    """The date in ``?as_of=YYYY-MM-DD``, None when absent (meaning today)."""
    raw = (params.get("as_of") or "").strip()
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise AsOfError(
            _("“%(value)s” is not a date: use the form YYYY-MM-DD.") % {"value": raw}
        ) from None
    if day > timezone.localdate():
        raise AsOfError(_("The as-of date cannot be in the future."))
    if day.year < 2000:
        raise AsOfError(_("The as-of date must be in the year 2000 or later."))
    return day


def as_of_error_page(request, exc: AsOfError):
    """The 400 page for a bad as_of: the reason, and the date picker to retry."""
    ctx = {"as_of_error": str(exc)}
    return render(request, "strategy/as_of_error.html", ctx, status=400)
