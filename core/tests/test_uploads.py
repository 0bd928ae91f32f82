import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.utils import translation

from core.uploads import document_check

PDF = b"%PDF-1.7\n"


def test_a_checked_document_has_its_name_size_and_type():
    upload = SimpleUploadedFile("Saksnotat.pdf", PDF)
    document = document_check(upload, max_bytes=2**20)
    assert (document.name, document.size) == ("Saksnotat.pdf", len(PDF))
    assert document.content_type == "application/pdf"


def test_an_upload_of_unknown_size_is_refused_not_a_crash():
    """A stream whose size the server does not know (None) used to raise a
    TypeError comparing None with the limit: a 500 instead of an error."""
    upload = InMemoryUploadedFile(
        SimpleUploadedFile("x.pdf", PDF).file, "file", "x.pdf", None, None, None
    )
    assert upload.size is None
    with translation.override("en"), pytest.raises(ValidationError, match="empty"):
        document_check(upload, max_bytes=2**20)
