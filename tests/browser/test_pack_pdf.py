"""The meeting pack PDF (WeasyPrint, charts exported through Chromium) shows the
same frozen figures as the page."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from councils.models import MeetingPackPdf
from councils.services import meeting_pack_freeze

pytestmark = pytest.mark.django_db

MARGIN_PT = 16 / 25.4 * 72  # pack_pdf.html's side margin, 16 mm


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
    pages = PdfReader(io.BytesIO(download.content)).pages
    text = " ".join(page.extract_text() for page in pages)
    page = client.get(reverse("councils:pack", args=[meeting.pk])).content.decode()
    for figure in ("PACK-1", snapshot.content_hash[:16], "40", "46", "52"):
        assert figure in page
        assert figure in text.replace("\n", " ")

    # Every page: the running header (council, meeting, date) and "page x of y".
    assert len(pages) >= 1
    for number, pdf_page in enumerate(pages, start=1):
        page_text = pdf_page.extract_text()
        assert meeting.title in page_text and meeting.council.name_nb in page_text
        assert f"{number} av {len(pages)}" in page_text
    # Nothing, the charts' labels included, starts past the right margin.
    for pdf_page in pages:
        right = float(pdf_page.mediabox.width) - MARGIN_PT
        starts = _text_starts(pdf_page)
        assert starts and all(x < right for x, _t in starts), [
            (x, t) for x, t in starts if x >= right
        ]


def _text_starts(pdf_page) -> list[tuple[float, str]]:
    """Where each piece of text on the page starts (x, in points) and what it is."""
    starts: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            starts.append((cm[0] * tm[4] + cm[2] * tm[5] + cm[4], text))

    pdf_page.extract_text(visitor_text=visit)
    return starts
