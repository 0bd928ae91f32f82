"""Checks for uploaded documents: size, extension and the file's own signature.

The extension alone is not trusted: the first bytes must match the format
the name claims, so a renamed executable or HTML file is refused.
"""

from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

ZIP = b"PK\x03\x04"
DOCUMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (ZIP,),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (ZIP,),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (ZIP,),
    ),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


@dataclass(frozen=True)
class CheckedDocument:
    name: str
    size: int
    content_type: str


def document_check(upload: UploadedFile, *, max_bytes: int) -> CheckedDocument:
    """Validate an uploaded document: its name, size and content type."""
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in DOCUMENT_TYPES:
        allowed = ", ".join(sorted(DOCUMENT_TYPES))
        raise ValidationError(
            _("Files of type “%(suffix)s” are not accepted. Use %(allowed)s.")
            % {"suffix": suffix or "?", "allowed": allowed}
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."))
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)d MB; at most %(max)d MB is accepted.")
            % {"size": -(-upload.size // 2**20), "max": max_bytes // 2**20}
        )
    content_type, signatures = DOCUMENT_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(signatures):
        raise ValidationError(
            _("The file's content is not %(suffix)s, whatever its name says.")
            % {"suffix": suffix}
        )
    return CheckedDocument(name, upload.size, content_type)
