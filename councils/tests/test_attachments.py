import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from councils.models import AgendaItemAttachment
from councils.services import agenda_item_add, meeting_status_set
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def item():
    return agenda_item_add(meeting=MeetingFactory(), title="Sak", kind="drøfting")


def upload(client, item, name, content):
    return client.post(
        reverse("councils:attachment_new", args=[item.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_secretariat_attaches_and_a_council_member_downloads(
    client, secretariat, council_member, item
):
    client.force_login(secretariat)
    assert upload(client, item, "Saksnotat.pdf", PDF).status_code == 302
    attachment = AgendaItemAttachment.objects.get()
    assert attachment.name == "Saksnotat.pdf" and attachment.uploaded_by == secretariat
    assert "Saksnotat" not in attachment.file.name  # random name on disk

    client.force_login(council_member)
    page = client.get(reverse("councils:meeting", args=[item.meeting_id]))
    assert "Saksnotat.pdf" in page.content.decode()
    response = client.get(reverse("councils:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="Saksnotat.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.exe", b"MZ\x90\x00"),
        ("forkledd.pdf", b"<html><script>alert(1)</script></html>"),
        ("tom.pdf", b""),
    ],
)
def test_bad_documents_are_refused_and_nothing_is_stored(
    client, secretariat, item, name, content
):
    client.force_login(secretariat)
    response = upload(client, item, name, content)
    assert response.status_code == 400
    assert (
        'role="alert"' in response.content.decode()
        or "field-error" in (response.content.decode())
        or 'aria-invalid="true"' in response.content.decode()
    )
    assert not AgendaItemAttachment.objects.exists()


def test_too_large_document_is_refused(client, secretariat, item, settings):
    settings.ATTACHMENT_MAX_BYTES = 2**20
    client.force_login(secretariat)
    response = upload(client, item, "stor.pdf", PDF + b"0" * (2**20 + 1))
    assert response.status_code == 400
    assert not AgendaItemAttachment.objects.exists()


def test_no_attachments_after_the_minutes_are_locked(client, secretariat, item):
    meeting_status_set(meeting=item.meeting, status="minutes_approved")
    client.force_login(secretariat)
    assert upload(client, item, "sent.pdf", PDF).status_code == 400
    assert not AgendaItemAttachment.objects.exists()


def test_access_to_attachments(client, council_member, integration_user, item):
    client.force_login(council_member)
    assert upload(client, item, "x.pdf", PDF).status_code == 403
    assert client.get(reverse("councils:attachment", args=[99999])).status_code == 404
    client.force_login(integration_user)
    assert client.get(reverse("councils:attachment", args=[1])).status_code == 403
