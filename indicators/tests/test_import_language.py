"""An import's reasons are written in its uploader's language, wherever the
check runs (a Celery worker has no request and would write bokmål)."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from indicators.imports import value_import_create
from indicators.models import ValueImport
from indicators.tasks import value_import_check_task

pytestmark = pytest.mark.django_db

FILE = b"indicator;period;value\nNOPE;2024;1\n"
ENGLISH = "Unknown indicator code “NOPE”."
BOKMAL = "Ukjent indikatorkode «NOPE»."


def _reasons(job: ValueImport) -> list[str]:
    job.refresh_from_db()
    return [row[5] for row in job.report]


@pytest.mark.parametrize(
    ("uploader", "worker", "reason"),
    [("en", "nb", ENGLISH), ("nb", "en", BOKMAL)],
)
def test_a_worker_writes_the_reasons_in_the_uploaders_language(
    secretariat, uploader, worker, reason, django_capture_on_commit_callbacks
):
    # The check is queued after commit: here it does not run yet.
    with django_capture_on_commit_callbacks(execute=False):
        job = value_import_create(
            user=secretariat, filename="v.csv", content=FILE, language=uploader
        )
    assert job.language == uploader
    with translation.override(worker):  # the worker's own language
        value_import_check_task(job.pk)
    assert _reasons(job) == [reason]


def test_the_upload_page_records_the_request_language(
    client, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("indicators:import_new"),
            {"file": SimpleUploadedFile("v.csv", FILE)},
        )
    job = ValueImport.objects.get()
    assert response.status_code == 302 and job.language == "en"
    assert _reasons(job) == [ENGLISH]


@pytest.mark.parametrize(("page", "marked"), [("nb", 'lang="en"'), ("en", "")])
def test_reasons_in_another_language_than_the_page_are_marked(
    client, secretariat, django_capture_on_commit_callbacks, page, marked
):
    with django_capture_on_commit_callbacks(execute=False):
        job = value_import_create(
            user=secretariat, filename="v.csv", content=FILE, language="en"
        )
    value_import_check_task(job.pk)
    client.force_login(secretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = page
    html = client.get(job.get_absolute_url()).content.decode()
    cell = f"<td{' ' + marked if marked else ''}>{ENGLISH}</td>"
    assert cell in html, html[html.find("<tbody>") :][:600]
