"""The frozen meeting pack: content, hash, stability and access."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from councils.models import MeetingSnapshot
from councils.pack import content_hash
from councils.services import meeting_pack_freeze
from strategy.services import progress_recompute
from tests.factories import IndicatorValueFactory

pytestmark = pytest.mark.django_db


def test_freeze_stores_the_figures_with_a_hash(meeting_with_items, secretariat):
    meeting, _indicator = meeting_with_items
    snapshot = meeting_pack_freeze(meeting=meeting, user=secretariat)
    content = snapshot.content
    assert snapshot.content_hash == content_hash(content)
    first = content["items"][0]["indicators"][0]
    assert first["code"] == "PACK-1"
    assert first["series"] == [[2020.0, 40.0], [2022.0, 46.0], [2024.0, 52.0]]
    assert first["status"] != "not_available"
    assert content["items"][1]["initiatives"][0]["code"] == "9Z-1"


def test_later_changes_do_not_alter_a_frozen_pack(meeting_with_items, secretariat):
    meeting, indicator = meeting_with_items
    snapshot = meeting_pack_freeze(meeting=meeting, user=secretariat)
    frozen_hash = snapshot.content_hash
    IndicatorValueFactory(
        indicator=indicator,
        period_start=dt.date(2025, 1, 1),
        value=Decimal("10"),
        status="approved",
        approved_at=timezone.now(),
    )
    progress_recompute(indicator_ids=[indicator.pk])
    snapshot.refresh_from_db()
    assert snapshot.content_hash == frozen_hash == content_hash(snapshot.content)
    assert len(snapshot.content["items"][0]["indicators"][0]["series"]) == 3
    # Freezing again records the new figures as a new version; the old one stays.
    again = meeting_pack_freeze(meeting=meeting, user=secretariat)
    assert again.content_hash != frozen_hash
    assert MeetingSnapshot.objects.filter(meeting=meeting).count() == 2


def test_pack_page_shows_the_frozen_figures(
    client, council_member, meeting_with_items, secretariat
):
    meeting, _indicator = meeting_with_items
    snapshot = meeting_pack_freeze(meeting=meeting, user=secretariat)
    client.force_login(council_member)
    html = client.get(reverse("councils:pack", args=[meeting.pk])).content.decode()
    assert snapshot.content_hash in html
    assert "PACK-1" in html and "52" in html
    assert 'id="chart-values-PACK-1-' in html


def test_only_the_secretariat_freezes(client, council_member, meeting_with_items):
    meeting, _indicator = meeting_with_items
    client.force_login(council_member)
    url = reverse("councils:pack_freeze", args=[meeting.pk])
    assert client.post(url).status_code == 403
    assert not MeetingSnapshot.objects.exists()


def test_secretariat_freezes_through_the_page(client, secretariat, meeting_with_items):
    meeting, _indicator = meeting_with_items
    client.force_login(secretariat)
    response = client.post(reverse("councils:pack_freeze", args=[meeting.pk]))
    assert response.status_code == 302
    assert MeetingSnapshot.objects.filter(meeting=meeting, frozen_by=secretariat)


def test_unfrozen_pack_and_bad_snapshot_parameter(
    client, council_member, meeting_with_items
):
    meeting, _indicator = meeting_with_items
    client.force_login(council_member)
    url = reverse("councils:pack", args=[meeting.pk])
    assert client.get(url).status_code == 200
    assert client.get(url, {"snapshot": "abc"}).status_code == 404
    assert client.get(url, {"snapshot": "999999"}).status_code == 404


def test_pdf_status_page_before_the_pdf_exists(
    client, council_member, meeting_with_items, secretariat
):
    meeting, _indicator = meeting_with_items
    snapshot = meeting_pack_freeze(meeting=meeting, user=secretariat)
    client.force_login(council_member)
    response = client.get(reverse("councils:pack_pdf", args=[snapshot.pk]))
    assert response.status_code == 202


# --- The PDF: a notice while it is made ----------------------------------------


def test_the_pdf_status_page_polls_while_the_pdf_is_made(
    client, council_member, meeting_with_items, secretariat
):
    from councils.models import MeetingPackPdf

    meeting, _indicator = meeting_with_items
    snapshot = meeting_pack_freeze(meeting=meeting, user=secretariat)
    pdf = MeetingPackPdf.objects.create(snapshot=snapshot, status="pending")
    client.force_login(council_member)
    client.cookies["django_language"] = "nb"
    url = reverse("councils:pack_pdf", args=[snapshot.pk])
    html = client.get(url).content.decode()
    assert 'role="status"' in html and "<progress" in html
    assert f'hx-get="{url}" hx-trigger="every 2s"' in html
    assert "PDF-en lages" in html

    # Polled once ready: a link to download it, and no more polling.
    pdf.status, pdf.pdf = "ready", b"%PDF-1.7"
    pdf.save()
    fragment = client.get(url, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert fragment.status_code == 200 and fragment["Content-Type"].startswith(
        "text/html"
    )
    assert f'href="{url}" download' in text and "hx-trigger" not in text
    # Without htmx the same address gives the PDF itself.
    assert client.get(url)["Content-Type"] == "application/pdf"


def test_the_pack_page_shows_a_notice_while_the_pdf_is_requested(
    client, council_member, meeting_with_items, secretariat
):
    meeting, _indicator = meeting_with_items
    snapshot = meeting_pack_freeze(meeting=meeting, user=secretariat)
    client.force_login(council_member)
    client.cookies["django_language"] = "nb"
    html = client.get(reverse("councils:pack", args=[meeting.pk])).content.decode()
    url = reverse("councils:pack_pdf", args=[snapshot.pk])
    assert f'hx-post="{url}" hx-target="#pack-pdf-slot"' in html
    slot = html[html.index('<div id="pack-pdf-slot"') :]
    assert 'role="status"' in slot[:100] and "PDF-en lages" in slot[:400]
