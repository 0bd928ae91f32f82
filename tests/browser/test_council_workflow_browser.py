"""The secretariat prepares a meeting and freezes its pack; a council member
reads it and downloads the PDF."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from core.roles import Role
from tests.browser.helpers import axe_check, log_in_page

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def strategy_with_demo(transactional_db):
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)


def _add_case(page, meeting_url: str, title: str, field: str, code: str) -> None:
    page.goto(meeting_url + "items/new/")
    page.locator("#id_title").fill(title)
    page.locator("#id_kind").select_option("drøfting")
    # The list's search field (static/js/filter_list.js), then the first match.
    page.locator(f"{field}-search").fill(code)
    page.locator(f"{field}-options .filter-list-row:visible input").first.check()
    page.locator("button.primary").click()
    page.wait_for_load_state()


def test_meeting_pack_from_preparation_to_pdf(
    page, new_page, log_in, strategy_with_demo
):
    log_in(Role.SECRETARIAT)
    page.goto("/councils/nuit/meetings/new/")
    page.locator("#id_date").fill("2026-12-10")
    page.locator("#id_title").fill("Desembermøte")
    page.locator("button.primary").click()
    page.wait_for_load_state()
    meeting_url = page.url
    _add_case(
        page, meeting_url, "Status for målindikator", "#id_indicators", "DEMO-M1-1"
    )
    _add_case(page, meeting_url, "Status for initiativ", "#id_initiatives", "1A-1")
    assert page.get_by_text("1/26").count() and page.get_by_text("2/26").count()

    page.goto(meeting_url + "pack/")
    page.locator("form[action$='pack/freeze/'] button").click()
    page.wait_for_load_state()
    content_hash = page.locator("code").first.inner_text()
    assert len(content_hash) == 64

    reader = new_page()
    log_in_page(reader, Role.COUNCIL_MEMBER)
    reader.goto(meeting_url + "pack/")
    reader.wait_for_selector("[id^='chart-values-DEMO-M1-1'] .main-svg")
    assert reader.get_by_text("Status for initiativ").count()
    assert reader.locator("code").first.inner_text() == content_hash
    axe_check(reader, "council-pack")
    # While the PDF is made (in the request here: the tests' Celery is eager,
    # as is `make run` without a broker) a notice says so; then a link.
    reader.locator("form[action$='/pdf/'] button").click()
    reader.locator(".pack-pdf-making").wait_for(state="visible", timeout=5_000)
    assert "PDF-en lages" in reader.locator("#pack-pdf-slot").inner_text()
    link = reader.get_by_role("link", name="Last ned PDF-en")
    link.wait_for(timeout=120_000)
    axe_check(reader, "council-pack-pdf-ready")
    with reader.expect_download(timeout=30_000) as download_info:
        link.click()
    assert download_info.value.suggested_filename.endswith(".pdf")


def test_the_pdf_status_page_updates_itself_when_the_pdf_is_ready(
    page, log_in, meeting_with_items, secretariat
):
    from councils.models import MeetingPackPdf
    from councils.services import meeting_pack_freeze

    meeting, _indicator = meeting_with_items
    snapshot = meeting_pack_freeze(meeting=meeting, user=secretariat)
    pdf = MeetingPackPdf.objects.create(snapshot=snapshot, status="pending")
    log_in(Role.COUNCIL_MEMBER)
    page.goto(reverse("councils:pack_pdf", args=[snapshot.pk]))
    status = page.get_by_role("status")
    assert "PDF-en lages" in status.inner_text()
    axe_check(page, "council-pack-pdf-making")
    # The worker finishes; the page shows the link without a reload.
    pdf.status, pdf.pdf = "ready", b"%PDF-1.7\n"
    pdf.save()
    page.get_by_role("link", name="Last ned PDF-en").wait_for(timeout=10_000)
    assert "PDF-en er klar" in page.get_by_role("status").inner_text()
