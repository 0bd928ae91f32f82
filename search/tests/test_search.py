"""The search box: every kind, grouped, for the dashboards' readers."""

import pytest
from django.db import connection
from django.urls import reverse

from councils.services import agenda_item_add, decision_record
from search.selectors import search
from strategy.models import Goal
from tests.factories import IndicatorFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def findable(real_strategy):
    IndicatorFactory(
        code="ERESEPT-1",
        name_nb="Andel e-resepter sendt elektronisk",
        goal=Goal.objects.get(code="M1"),
    )
    meeting = MeetingFactory(title="NUIT desember")
    item = agenda_item_add(meeting=meeting, title="Legemidler", kind="beslutning")
    decision_record(
        agenda_item=item,
        text="NUIT anbefaler pasientens legemiddelliste for alle kommuner.",
        decided_on=meeting.date,
    )


def kinds(groups):
    return {group.kind: [hit.title for hit in group.hits] for group in groups}


def test_finds_an_indicator_by_a_norwegian_word_and_a_decision_by_its_text(
    findable,
):
    assert kinds(search(text="e-resepter"))["indicator"] == [
        "ERESEPT-1 Andel e-resepter sendt elektronisk"
    ]
    if connection.vendor == "postgresql":
        # The Norwegian configuration stems: another form of the word finds it.
        assert "indicator" in kinds(search(text="reseptene"))
    found = kinds(search(text="legemiddelliste"))
    assert "decision" in found
    assert found["decision"][0].endswith("legemiddelliste for alle kommuner.")


def test_results_are_grouped_by_kind_across_the_strategy(findable):
    found = kinds(search(text="helse"))
    assert {"goal", "initiative"} <= set(found)


def test_nothing_for_blank_and_a_clear_refusal_for_a_too_long_query(
    client, council_member, findable
):
    assert search(text="   ") == []
    client.force_login(council_member)
    page = client.get(reverse("search"), {"q": "legemiddelliste"})
    assert page.status_code == 200
    assert "legemiddelliste for alle kommuner" in page.content.decode()
    too_long = client.get(reverse("search"), {"q": "x" * 201})
    assert too_long.status_code == 400


def test_the_search_costs_one_query_per_kind(
    client, council_member, findable, django_assert_max_num_queries
):
    client.force_login(council_member)
    with django_assert_max_num_queries(8 + 6):
        client.get(reverse("search"), {"q": "helse"})
