import logging

from celery import shared_task

from .models import MeetingPackPdf, PackPdfStatus
from .services import meeting_pack_pdf_make

logger = logging.getLogger(__name__)


@shared_task(
    name="councils.meeting_pack_pdf",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=3,
)
def meeting_pack_pdf_task(snapshot_id: int) -> None:
    """Make the PDF of a frozen meeting pack (idempotent)."""

    try:
        meeting_pack_pdf_make(snapshot_id=snapshot_id)
    except Exception as exc:
        logger.exception("Meeting pack PDF %s failed", snapshot_id)
        MeetingPackPdf.objects.filter(snapshot_id=snapshot_id).update(
            status=PackPdfStatus.FAILED, error=str(exc)[:2000]
        )
        raise
