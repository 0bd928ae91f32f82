"""The meeting pack PDF (WeasyPrint, charts exported through Chromium) shows the
same frozen figures as the page."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from councils.models import MeetingPackPdf
from councils.services import meeting_pack_freeze

pytestmark = pytest.mark.django_db


def test_pdf_has_the_same_figures_as_the_page(
    client,
    council_member,
    secretariat,
    meeting_with_items,
    django_capture_on_commit_callbacks,
):
    meeting, _indicator = meeting_with_items
    snapshot = meeting_pack_freeze(meeting=meeting, user=secretariat)
    client.force_login(council_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("councils:pack_pdf", args=[snapshot.pk]))
    assert response.status_code == 302
    assert MeetingPackPdf.objects.get(snapshot=snapshot).status == "ready"

    download = client.get(reverse("councils:pack_pdf", args=[snapshot.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages
    )
    page = client.get(reverse("councils:pack", args=[meeting.pk])).content.decode()
    for figure in ("PACK-1", snapshot.content_hash[:16], "40", "46", "52"):
        assert figure in page
        assert figure in text.replace("\n", " ")
