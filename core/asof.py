"""What was known on a day: the ``as_of`` date every dashboard page takes, and
the generic reads and fingerprints of results stored "as of" a date.

Indicator snapshots, goal roll-ups and the roadmap's history all answer
"as of D" the same way: at the end of day D in Europe/Oslo, from the newest
stored row at or before D.
"""

import datetime as dt
import hashlib
from array import array
from collections.abc import Sequence
from itertools import chain
from typing import TypeVar

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

RowT = TypeVar("RowT", bound=models.Model)


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


def as_of_cutoff(as_of: dt.date) -> dt.datetime:
    """The first instant after the day ``as_of`` (Europe/Oslo)."""
    next_day = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(next_day)


def fingerprint(*parts: object, points: Sequence[tuple[float, float]] = ()) -> str:
    """A stable hash of plain data (tuples, floats, strings, dicts of them).

    ``points`` are hashed as raw doubles, many times faster than their repr.
    """
    digest = hashlib.sha256(repr(parts).encode())
    digest.update(array("d", chain.from_iterable(points)).tobytes())
    return digest.hexdigest()


def newest_as_of(
    model: type[RowT], owner: str, *, as_of: dt.date, owners: Q | None = None
) -> models.QuerySet[RowT]:
    """Rows of ``model`` that are each owner's newest with ``as_of <= as_of``.

    Shared by indicator snapshots and goal progress. ``owner`` names the
    foreign key (``indicator``, ``goal``), ``owners`` filters the owners. One
    query: a correlated subquery per owner, served by the (owner, as_of,
    computed_at) index. Unordered: the models' default ordering would join the
    owner (and its goal) only to sort rows every caller keys by owner anyway.
    """
    rows = model._default_manager
    newest = (
        rows.filter(**{owner: OuterRef("pk"), "as_of__lte": as_of})
        .order_by("-as_of", "-computed_at", "-pk")
        .values("pk")[:1]
    )
    owner_model = model._meta.get_field(owner).related_model
    assert isinstance(owner_model, type), f"{owner} is not a foreign key"
    newest_ids = (
        owner_model._default_manager.filter(owners or Q())
        .annotate(newest=Subquery(newest))
        .values("newest")
    )
    return rows.filter(pk__in=newest_ids).order_by()


class NewestKeys:
    """An owner's stored results as ``(as_of, fingerprint)``, by day and then as
    computed, walked along ascending days: the fingerprint of the newest result
    at or before each day. A result written on the way (``wrote``) is newer
    than any stored one of its day, as its ``computed_at`` is later.
    """

    def __init__(self, stored: Sequence[tuple[dt.date, str]]):
        self._stored = iter(stored)
        self._pending = next(self._stored, None)
        self._newest: str | None = None

    def at(self, day: dt.date) -> str | None:
        while self._pending is not None and self._pending[0] <= day:
            self._newest = self._pending[1]
            self._pending = next(self._stored, None)
        return self._newest

    def wrote(self, key: str) -> None:
        """A result written for the day last asked about."""
        self._newest = key
