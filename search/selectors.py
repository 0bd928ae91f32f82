"""One search box across the strategy: PostgreSQL full-text search with the
Norwegian configuration (stems: "resepter" finds "e-resept"), and on SQLite a
plain fallback where every word must appear in one of the fields."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from councils.models import AgendaItem, Decision, Meeting
from indicators.models import Indicator
from initiatives.models import Delivery, Initiative
from strategy.models import Goal, SubGoal

PER_KIND = 20
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Source:
    kind: str
    label: object  # lazy text
    queryset: Callable[[], QuerySet]
    fields: tuple[str, ...]
    title: Callable[[Any], str]
    url: Callable[[Any], str]


def _meeting_url(meeting_id: int) -> str:
    return reverse("councils:meeting", args=[meeting_id])


SOURCES = (
    Source(
        "goal",
        _("Goals"),
        Goal.objects.all,
        ("code", "title_nb", "description_nb"),
        str,
        lambda g: g.get_absolute_url(),
    ),
    Source(
        "sub_goal",
        _("Sub-goals"),
        lambda: SubGoal.objects.select_related("goal"),
        ("code", "title_nb"),
        str,
        lambda s: s.goal.get_absolute_url(),
    ),
    Source(
        "indicator",
        _("Indicators"),
        Indicator.objects.all,
        ("code", "name_nb", "name_en", "description"),
        str,
        lambda i: i.get_absolute_url(),
    ),
    Source(
        "initiative",
        _("Initiatives"),
        Initiative.objects.all,
        ("code", "name_nb", "description_nb"),
        str,
        lambda i: i.get_absolute_url(),
    ),
    Source(
        "delivery",
        _("Deliveries"),
        lambda: Delivery.objects.filter(removed_in_version="").select_related(
            "initiative"
        ),
        ("name", "description"),
        lambda d: d.name,
        lambda d: d.initiative.get_absolute_url(),
    ),
    Source(
        "meeting",
        _("Meetings"),
        lambda: Meeting.objects.select_related("council"),
        ("title", "place"),
        str,
        lambda m: _meeting_url(m.pk),
    ),
    Source(
        "agenda_item",
        _("Agenda items"),
        AgendaItem.objects.all,
        ("title", "description"),
        str,
        lambda a: _meeting_url(a.meeting_id),
    ),
    Source(
        "decision",
        _("Decisions"),
        lambda: Decision.objects.select_related("agenda_item"),
        ("text",),
        lambda d: f"{d.agenda_item.case_number}: {d.text[:200]}",
        lambda d: _meeting_url(d.agenda_item.meeting_id),
    ),
)


@dataclass(frozen=True)
class Hit:
    title: str
    url: str


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    hits: list[Hit]


def search(*, text: str) -> list[Group]:
    """Results grouped by kind, best first; kinds without a hit left out.
    One query per kind."""
    text = text.strip()[:MAX_QUERY_LENGTH]
    if not text:
        return []
    groups = []
    for source in SOURCES:
        found = _matches(source, text)[:PER_KIND]
        hits = [Hit(source.title(row), source.url(row)) for row in found]
        if hits:
            groups.append(Group(source.kind, str(source.label), hits))
    return groups


def _matches(source: Source, text: str) -> QuerySet:
    rows = source.queryset()
    if connection.vendor == "postgresql":
        vector = SearchVector(*source.fields, config="norwegian")
        query = SearchQuery(text, config="norwegian", search_type="websearch")
        return (
            rows.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0)
            .order_by("-rank", "pk")
        )
    words = text.split()
    each_word = [
        reduce(or_, (Q(**{f"{name}__icontains": word}) for name in source.fields))
        for word in words
    ]
    return rows.filter(reduce(and_, each_word)).order_by("pk")
