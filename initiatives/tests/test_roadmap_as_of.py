"""The roadmap as of a date: the version current that day, from the history."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Delivery, RoadmapImport
from initiatives.selectors import deliveries_per_step, roadmap_version_as_of
from initiatives.services import roadmap_import
from initiatives.tests.helpers import edited_copy
from tests.factories import DeliveryFactory, InitiativeFactory

ROADMAP = reverse("initiatives:roadmap")
DELIVERIES = reverse("initiatives:roadmap_deliveries")
HTMX = {"HTTP_HX_REQUEST": "true"}
FIRST_IMPORT = timezone.make_aware(dt.datetime(2025, 1, 10, 14, 30))


@pytest.fixture
def two_versions(imported_roadmap, roadmap_text):
    """2026-08 imported on 10 January 2025, then an edited 2026-12 imported now."""
    RoadmapImport.objects.update(imported_at=FIRST_IMPORT)
    Delivery.history.update(history_date=FIRST_IMPORT)
    text, ids = edited_copy(roadmap_text)
    roadmap_import(content=text, version="2026-12")
    return ids


def rows_by_id(response) -> dict:
    return {row.delivery.roadmap_id: row for row in response.context["deliveries"]}


def test_a_past_date_shows_the_version_current_that_day(
    client, council_member, two_versions
):
    client.force_login(council_member)
    response = client.get(DELIVERIES, {"as_of": "2025-06-30"}, **HTMX)
    assert response.status_code == 200
    assert response.context["version"].version == "2026-08"
    rows = rows_by_id(response)
    assert len(rows) == 263
    assert two_versions["removed"] in rows
    assert "99999999999999999" not in rows
    assert rows[two_versions["moved"]].delivery.phase == "Innføring"
    assert rows[two_versions["dated"]].delivery.start_date == dt.date(2026, 7, 1)
    assert "Roadmap version 2026-08" in response.content.decode()


def test_today_shows_the_newest_version(client, council_member, two_versions):
    client.force_login(council_member)
    for params in ({}, {"as_of": timezone.localdate().isoformat()}):
        response = client.get(DELIVERIES, params, **HTMX)
        assert response.context["version"].version == "2026-12"
        rows = rows_by_id(response)
        assert two_versions["removed"] not in rows
        assert "99999999999999999" in rows
        assert rows[two_versions["moved"]].delivery.phase == "I bruk"
        assert rows[two_versions["dated"]].delivery.start_date == dt.date(2026, 9, 1)


def test_removed_deliveries_as_of_a_date(client, council_member, two_versions):
    client.force_login(council_member)
    now = client.get(DELIVERIES, {"removed": "1"}, **HTMX)
    assert list(rows_by_id(now)) == [two_versions["removed"]]
    then = client.get(DELIVERIES, {"removed": "1", "as_of": "2025-06-30"}, **HTMX)
    assert then.context["deliveries"] == []


def test_lateness_is_judged_on_the_as_of_date(client, council_member, two_versions):
    client.force_login(council_member)
    day = dt.date(2025, 6, 30)
    response = client.get(DELIVERIES, {"as_of": day.isoformat()}, **HTMX)
    late = [row for row in response.context["deliveries"] if row.is_late]
    assert all(row.delivery.end_date < day for row in late)
    ended_later = [
        row
        for row in response.context["deliveries"]
        if row.delivery.end_date and day <= row.delivery.end_date
    ]
    assert ended_later and not any(row.is_late for row in ended_later)


def test_the_page_shows_the_banner_and_that_days_imports(
    client, council_member, two_versions
):
    client.force_login(council_member)
    response = client.get(ROADMAP, {"as_of": "2025-06-30", "goal": "M5"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "as-of-banner" in html and "30 June 2025" in html
    assert [record.version for record in response.context["imports"]] == ["2026-08"]
    # The lazy fragment gets the same date and filters.
    assert f'hx-get="{DELIVERIES}?as_of=2025-06-30&amp;goal=M5"' in html
    # Filtering keeps the date, and picking a date keeps the filters.
    assert '<input type="hidden" name="as_of" value="2025-06-30">' in html
    assert '<input type="hidden" name="goal" value="M5">' in html
    now = client.get(ROADMAP).context["imports"]
    assert [record.version for record in now] == ["2026-12", "2026-08"]


def test_before_the_first_import_the_page_says_there_was_no_version(
    client, council_member, two_versions
):
    client.force_login(council_member)
    response = client.get(ROADMAP, {"as_of": "2025-01-09"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "as-of-banner" in html
    assert "No roadmap version had been imported by 9 January 2025." in html
    assert "hx-get" not in html
    assert response.context["imports"] == []
    fragment = client.get(DELIVERIES, {"as_of": "2025-01-09"}, **HTMX)
    assert fragment.status_code == 200
    assert "No roadmap version had been imported" in fragment.content.decode()
    assert "deliveries" not in fragment.context


def test_the_version_is_the_newest_import_committed_by_the_end_of_the_day(
    two_versions,
):
    assert roadmap_version_as_of(as_of=dt.date(2025, 1, 9)) is None
    assert roadmap_version_as_of(as_of=dt.date(2025, 1, 10)).version == "2026-08"
    today = roadmap_version_as_of(as_of=timezone.localdate())
    assert today.version == "2026-12"


def test_deliveries_per_step_as_of_a_date(imported_roadmap, roadmap_text):
    first = deliveries_per_step()
    RoadmapImport.objects.update(imported_at=FIRST_IMPORT)
    Delivery.history.update(history_date=FIRST_IMPORT)
    roadmap_import(content=edited_copy(roadmap_text)[0], version="2026-12")
    assert deliveries_per_step() != first
    assert deliveries_per_step(as_of=dt.date(2025, 6, 30)) == first
    assert deliveries_per_step(as_of=dt.date(2025, 1, 9)) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-13-01", "is not a date"),
        ("tomorrow", "is not a date"),
        ("2999-01-01", "cannot be in the future"),
    ],
)
def test_an_invalid_date_is_a_clear_400(
    client, council_member, real_strategy, value, message
):
    client.force_login(council_member)
    for response in (
        client.get(ROADMAP, {"as_of": value}),
        client.get(DELIVERIES, {"as_of": value}, **HTMX),
        client.get(DELIVERIES, {"as_of": value}),
    ):
        html = response.content.decode()
        assert response.status_code == 400
        assert 'role="alert"' in html and message in html
        assert 'id="as-of-date"' in html  # the date picker, to try again


def test_without_javascript_the_deliveries_are_a_page(
    client, council_member, two_versions
):
    client.force_login(council_member)
    response = client.get(DELIVERIES, {"as_of": "2025-06-30", "goal": "M5"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "<h1>Roadmap deliveries</h1>" in html
    assert "as-of-banner" in html and 'id="chart-roadmap"' in html
    assert f'href="{ROADMAP}?as_of=2025-06-30&amp;goal=M5"' in html
    assert len(response.context["deliveries"]) == 15
    assert "HX-Request" in response["Vary"]
    fragment = client.get(DELIVERIES, {"as_of": "2025-06-30", "goal": "M5"}, **HTMX)
    assert "<html" not in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]


@pytest.mark.parametrize("count", [2, 30])
def test_query_count_as_of_a_date_does_not_grow(
    client, council_member, django_assert_max_num_queries, count
):
    RoadmapImport.objects.create(
        version="2026-08", file_sha256="0" * 64, content="", delivery_count=count
    )
    initiative = InitiativeFactory()
    DeliveryFactory.create_batch(count, initiative=initiative, phase="Innføring")
    client.force_login(council_member)
    params = {"as_of": timezone.localdate().isoformat()}
    # session, user, roles, goals and sub-goals for the filters, imports,
    # saving the session (3)
    with django_assert_max_num_queries(9):
        assert client.get(ROADMAP, params).status_code == 200
    # the same, with the version and the deliveries instead of the imports
    with django_assert_max_num_queries(10):
        response = client.get(DELIVERIES, params, **HTMX)
    assert len(response.context["deliveries"]) == count
