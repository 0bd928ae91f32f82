"""Every response to a signed-in user or an API key says Cache-Control:
no-store: pages, API answers, exports and attachments (the outside test found
none that did)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from councils.models import AgendaItemAttachment
from councils.services import agenda_item_add
from strategy.models import Goal
from tests.api_helpers import client_with, create_key
from tests.factories import IndicatorFactory, MeetingFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def attachment(settings, tmp_path, secretariat, client):
    settings.MEDIA_ROOT = tmp_path
    item = agenda_item_add(meeting=MeetingFactory(), title="Sak", kind="drøfting")
    client.force_login(secretariat)
    client.post(
        reverse("councils:attachment_new", args=[item.pk]),
        {"file": SimpleUploadedFile("Notat.pdf", PDF)},
    )
    client.logout()
    return AgendaItemAttachment.objects.get()


def test_every_signed_in_response_is_no_store(
    client, real_strategy, council_member, attachment
):
    IndicatorFactory(code="M1-A", goal=Goal.objects.get(code="M1"))
    client.force_login(council_member)
    for url in (
        reverse("strategy:overview"),
        reverse("strategy:goal", args=["M1"]),
        reverse("indicators:detail", args=["M1-A"]),
        reverse("indicators:export") + "?goal=M1",
        reverse("indicators:export") + "?goal=M1&format=xlsx",
        reverse("councils:attachment", args=[attachment.pk]),
        "/api/v1/goals/",
        reverse("indicators:detail", args=["NOPE"]),  # a 404 for a signed-in user
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert no_store(response), (url, response.get("Cache-Control"))


def test_every_api_key_response_is_no_store(real_strategy):
    client = client_with(create_key("--name", "ssb", "--role", "Integrasjon"))
    for url in ("/api/v1/goals/", "/api/v1/indicators/", "/api/v1/goals/M9/"):
        assert no_store(client.get(url)), url
    assert no_store(client_with("ehs_wrong").get("/api/v1/goals/"))
