"""The import jobs of indicator values: upload, check (dry run), commit.

A file is read into rows and every row checked (``import_files.py``); the dry
run's report lists each row as new / revision / unchanged / error. Committing
checks again against the database as it is then and records every value in
one transaction through ``services.values_record``, or nothing at all. Both
steps run as Celery tasks (``tasks.py``) so a large file never holds up a web
request.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .import_files import (
    FileRejected,
    RowChecker,
    columns_find,
    filled,
    rows_read,
)
from .models import (
    BreakdownDimension,
    ImportStatus,
    Indicator,
    ValueImport,
    ValueInput,
    ValueSource,
)
from .parsing import InputError
from .services import PlannedValue, ValueRejected, values_plan, values_record
from .staging import gc_paused

logger = logging.getLogger(__name__)

CHUNK = 5_000
OUTCOME_LABELS = {
    "created": "new",
    "revised": "revision",
    "unchanged": "unchanged",
    "pending": "pending",  # parsed; the commit decides under its lock
}


# --- Checking ------------------------------------------------------------------


@dataclass
class CheckResult:
    """Report rows ``[row, indicator, period, value, outcome, message]``."""

    report: list[list] = field(default_factory=list)
    items: list[ValueInput] = field(default_factory=list)
    item_rows: list[int] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for entry in self.report:
            counts[entry[4]] = counts.get(entry[4], 0) + 1
        return counts

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors) or "error" in self.counts


def file_check(
    content: bytes,
    *,
    filename: str = "",
    comment: str = "",
    progress=None,
    plan: bool = True,
) -> CheckResult:
    """Check every row of a file against the rules and the database; no writes.

    Without ``plan`` rows are only parsed: the commit compares them with the
    database itself, under its lock. Reading stops at the budget of
    ``import_files`` (rows, cells, unpacked size), with a file error.
    """
    result = CheckResult()
    try:
        rows = rows_read(content, filename=filename)
        if not any(filled(row) for row in rows[1:]):
            raise FileRejected(_("The file has no data rows under its header."))
        columns = columns_find(
            rows[0],
            dimensions=BreakdownDimension.objects.values_list("code", flat=True),
        )
    except FileRejected as exc:
        result.file_errors.append(str(exc))
        return result
    checker = RowChecker(
        columns,
        len(rows[0]),
        comment=comment,
        indicators={i.code: i for i in Indicator.objects.all()},
        today=timezone.localdate(),
    )
    data = rows[1:]
    for begin in range(0, len(data), CHUNK):
        _chunk_check(result, checker, data[begin : begin + CHUNK], begin + 2, plan)
        if progress:
            progress(min(begin + CHUNK, len(data)), len(data))
    result.report.sort(key=lambda entry: entry[0])
    return result


def _chunk_check(
    result: CheckResult,
    checker: RowChecker,
    rows: list[list[str]],
    first: int,
    plan: bool,
) -> None:
    items, numbers = [], []
    for number, row in enumerate(rows, start=first):
        if not filled(row):
            continue
        try:
            items.append(checker.check(number, row))
            numbers.append(number)
        except InputError as exc:
            cells = [checker.cell(row, c) for c in ("indicator", "period", "value")]
            entry = [number, *cells, "error", str(exc)]
            if checker.dimension_at:
                entry.append(_series_text(checker, row))
            result.report.append(entry)
    plans = (
        values_plan(items=items)
        if plan
        else [PlannedValue(item, "pending") for item in items]
    )
    for number, planned in zip(numbers, plans, strict=True):
        item = planned.item
        cells = [item.indicator.code, rows[number - first][checker.period_at]]
        outcome = OUTCOME_LABELS.get(planned.outcome, "error")
        entry = [number, *cells, str(item.value), outcome, _message(planned)]
        if checker.dimension_at:
            # The report's optional seventh cell: the row's series.
            entry.append(item.breakdown)
        result.report.append(entry)
        if outcome != "error":
            result.items.append(item)
            result.item_rows.append(number)


def _series_text(checker: RowChecker, row: list[str]) -> str:
    """A refused row's breakdown cells as written, ``region:03``-like."""
    return ",".join(
        f"{dimension}:{row[position].strip()}"
        for dimension, position in sorted(checker.dimension_at.items())
        if position < len(row) and row[position].strip()
    )


# --- The job: check, then commit ---------------------------------------------------


def value_import_create(
    *,
    user,
    filename: str,
    content: bytes,
    comment: str = "",
    language: str | None = None,
) -> ValueImport:
    """Store an uploaded file and queue its dry run.

    The report is written in ``language`` (the uploader's; by default the
    active one), whichever worker runs the check.
    """
    # The task calls back into this module: imported where it is used.
    from .tasks import value_import_check_task

    job = ValueImport.objects.create(
        filename=filename[:255],
        content=content,
        comment=comment,
        created_by=user,
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: value_import_check_task.delay(job.pk))
    return job


def value_import_commit_request(*, job: ValueImport, user) -> bool:
    """Queue the commit of a checked import; False if it was not waiting for one.

    Only the person who uploaded the file commits it.
    """
    # The task calls back into this module: imported where it is used.
    from .tasks import value_import_commit_task

    # A conditional update claims the job: a double click queues one commit.
    claimed = ValueImport.objects.filter(
        pk=job.pk, created_by=user, status=ImportStatus.CHECKED
    ).update(
        status=ImportStatus.COMMITTING,
        finished_at=None,
        processed_rows=0,
        deliveries=0,
    )
    if claimed:
        transaction.on_commit(lambda: value_import_commit_task.delay(job.pk))
    return bool(claimed)


def _job_progress(job_id: int):
    def report(done: int, total: int) -> None:
        ValueImport.objects.filter(pk=job_id).update(
            processed_rows=done, total_rows=total
        )

    return report


def _job_save_check(job: ValueImport, result: CheckResult, status: str) -> None:
    job.report = result.report
    job.counts = result.counts
    job.file_errors = result.file_errors
    job.total_rows = len(result.report)
    job.processed_rows = job.total_rows
    job.status = status
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "report",
            "counts",
            "file_errors",
            "total_rows",
            "processed_rows",
            "status",
            "finished_at",
        ]
    )


@gc_paused()
def import_check(*, job_id: int) -> None:
    """Dry run: fill the job's report; the job is ``checked`` or ``invalid``."""
    job = ValueImport.objects.get(pk=job_id)
    # "checking": a worker died during the dry run and the task was delivered
    # again; the dry run writes only this job's report, so it simply runs again.
    if job.status not in (ImportStatus.PENDING, ImportStatus.CHECKING):
        return  # already checked: running twice changes nothing
    ValueImport.objects.filter(pk=job_id).update(status=ImportStatus.CHECKING)
    result = file_check(
        bytes(job.content),
        filename=job.filename,
        comment=job.comment,
        progress=_job_progress(job_id),
    )
    status = ImportStatus.INVALID if result.has_errors else ImportStatus.CHECKED
    _job_save_check(job, result, status)


@gc_paused()
def import_commit(*, job_id: int) -> None:
    """Check again and record every value in one transaction, or none."""
    claimed = ValueImport.objects.filter(
        pk=job_id, status=ImportStatus.COMMITTING, finished_at__isnull=True
    )
    # The commit rebuilds the report, so the dry run's is not loaded (a
    # 100,000-row report takes ~0.2 s to decode).
    job = claimed.select_related("created_by").defer("report").first()
    if job is None:
        return  # not requested, or already done: running twice changes nothing
    result = file_check(
        bytes(job.content),
        filename=job.filename,
        comment=job.comment,
        progress=_job_progress(job_id),
        plan=False,
    )
    if result.has_errors:
        _job_save_check(job, result, ImportStatus.FAILED)
        return
    try:
        with transaction.atomic():
            planned = values_record(
                items=result.items, user=job.created_by, source=ValueSource.IMPORT
            )
    except ValueRejected as exc:
        _report_rejections(result, exc)
        _job_save_check(job, result, ImportStatus.FAILED)
        return
    _report_outcomes(result, planned)
    _job_save_check(job, result, ImportStatus.COMMITTED)


def _report_outcomes(result: CheckResult, planned: list[PlannedValue]) -> None:
    by_row = {entry[0]: entry for entry in result.report}
    for number, plan in zip(result.item_rows, planned, strict=True):
        by_row[number][4] = OUTCOME_LABELS[plan.outcome]


def _report_rejections(result: CheckResult, exc: ValueRejected) -> None:
    rows = dict(enumerate(result.item_rows))
    by_row = {entry[0]: entry for entry in result.report}
    for position, error in exc.errors.items():
        if position is None or position not in rows:
            result.file_errors.append(error.message)
            continue
        entry = by_row[rows[position]]
        entry[4], entry[5] = "error", error.message


def _message(planned: PlannedValue) -> str:
    return planned.error.message.strip() if planned.error else ""


def report_rows(job: ValueImport, *, errors_only: bool = False) -> Iterator[list]:
    """The job's report, or only its error rows."""
    for entry in job.report:
        if not errors_only or entry[4] == "error":
            yield entry


def import_language(*, job_id: int) -> str:
    """The language the job's report is written in: its uploader's."""
    language = (
        ValueImport.objects.filter(pk=job_id).values_list("language", flat=True).first()
    )
    return language or settings.LANGUAGE_CODE


def import_failed(*, job_id: int, message: str = "") -> None:
    """Mark a job that stopped unexpectedly as failed: nothing was saved."""
    ValueImport.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED,
        file_errors=[
            message or _("The import stopped unexpectedly; nothing was saved.")
        ],
        finished_at=timezone.now(),
    )


# Deliveries of one step's task before the job is given up: the first, and
# two more after a worker died running it.
MAX_DELIVERIES = 3


def import_delivery_count(*, job_id: int) -> bool:
    """Count a delivery of the job's current step; False, with the job failed,
    once the step has come back more than ``MAX_DELIVERIES`` times.

    Tasks are acknowledged only when done (acks_late), so a file that kills
    its worker (memory, a time limit) would otherwise be delivered again for
    ever, taking a worker down each time.
    """
    counted = ValueImport.objects.filter(pk=job_id).update(
        deliveries=F("deliveries") + 1
    )
    job = ValueImport.objects.filter(pk=job_id).only("deliveries", "status").first()
    if not counted or job is None:
        return False
    if job.deliveries <= MAX_DELIVERIES:
        return True
    logger.error("Import %s given up after %s deliveries", job_id, job.deliveries)
    if job.status in (
        ImportStatus.PENDING,
        ImportStatus.CHECKING,
        ImportStatus.COMMITTING,
    ):
        import_failed(
            job_id=job_id,
            message=_(
                "The import stopped %(n)d times while the file was processed; "
                "nothing was saved. Split the file into smaller files."
            )
            % {"n": MAX_DELIVERIES},
        )
    return False
