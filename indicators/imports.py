"""CSV/XLSX import of indicator values: read, check (dry run), commit.

A file is read whole into rows, every row is checked, and the result is a
report listing each row as new / revision / unchanged / error. Committing
checks again against the database as it is then and records every value in
one transaction through ``services.values_record``, or nothing at all.
Both steps run as Celery tasks so a large file never holds up a web request.
"""

import codecs
import csv
import datetime as dt
import io
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheet import FORMULA_PREFIXES

from .models import ImportStatus, Indicator, ValueImport, ValueSource
from .parsing import (
    InputError,
    decimal_parse,
    period_parse,
    text_check,
)
from .services import (
    PlannedValue,
    ValueInput,
    ValueRejected,
    values_plan,
    values_record,
)
from .staging import gc_paused

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000
CHUNK = 5_000
XLSX_MAGIC = b"PK\x03\x04"
# Header names, English and Norwegian, lower-cased.
COLUMNS = {
    "indicator": {"indicator", "code", "indicator code", "indikator", "kode"},
    "period": {"period", "periode", "år"},
    "value": {"value", "verdi"},
    "comment": {"comment", "kommentar", "merknad"},
}
COLUMNS["indicator"] |= {"indikatorkode", "målindikator"}
REQUIRED = ("indicator", "period", "value")
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)
OUTCOME_LABELS = {
    "created": "new",
    "revised": "revision",
    "unchanged": "unchanged",
    "pending": "pending",  # parsed; the commit decides under its lock
}


class FileRejected(Exception):
    """The file as a whole cannot be read; the message says why."""


# --- Reading -------------------------------------------------------------------


def rows_read(content: bytes) -> list[list[str]]:
    """The file's rows as lists of text cells, header first."""
    if not content.strip():
        raise FileRejected(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise FileRejected(
            _("The file is larger than %(mb)d MB; split it into smaller files.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if content.startswith(XLSX_MAGIC):
        return _xlsx_rows(content)
    return _csv_rows(_decode(content))


def _decode(content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        b"\x00" in content[:4096]
    ):
        raise FileRejected(
            _(
                "The file is not UTF-8 or Windows-1252 text (it looks like UTF-16): "
                "save it as “CSV UTF-8”."
            )
        )
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            _("The file is neither UTF-8 nor Windows-1252 text (byte %(pos)d).")
            % {"pos": exc.start + 1}
        ) from exc


def _csv_rows(text: str) -> list[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise FileRejected(
            _("The file is not valid CSV (line %(line)d): %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def _xlsx_rows(content: bytes) -> list[list[str]]:
    # openpyxl takes a tenth of a second to import: only XLSX files pay it.
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula comes back as its text and is refused.
        workbook = load_workbook(io.BytesIO(content), read_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileRejected(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        return [
            [_xlsx_cell(cell) for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


def _xlsx_cell(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return str(cell)


def columns_find(header: list[str]) -> dict[str, int]:
    """Column name → position, from an English or Norwegian header."""
    found = {}
    for position, name in enumerate(header):
        key = name.strip().strip('"').lower()
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in found:
                found[column] = position
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise FileRejected(
            _(
                "The header must name the columns indicator, period and value "
                "(or indikator, periode and verdi); missing: %(missing)s."
            )
            % {"missing": ", ".join(missing)}
        )
    return found


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


class _RowChecker:
    """Turns a data row into a ValueInput, or says what is wrong with it.

    Runs once per row of files of up to ``MAX_ROWS`` rows, on the dry run and
    again on the commit: column positions are looked up once.
    """

    def __init__(self, columns: dict[str, int], width: int, comment: str):
        self.columns, self.width, self.comment = columns, width, comment
        self.code_at, self.period_at, self.value_at = (columns[c] for c in REQUIRED)
        self.comment_at = columns.get("comment")
        self.needed = max(self.code_at, self.period_at, self.value_at) + 1
        self.indicators = {i.code: i for i in Indicator.objects.all()}
        self.today = timezone.localdate()
        self.seen: dict[tuple[str, dt.date], int] = {}

    def cell(self, row: list[str], column: str) -> str:
        position = self.columns.get(column)
        if position is None or position >= len(row):
            return ""
        return row[position].strip()

    def check(self, number: int, row: list[str]) -> ValueInput:
        if len(row) < self.needed or (
            len(row) > self.width and _filled(row[self.width :])
        ):
            raise InputError(
                _(
                    "The row has the wrong number of columns (%(got)d, the header "
                    "has %(want)d): check the separator, and quote values that "
                    "contain it."
                )
                % {"got": len(row), "want": self.width}
            )
        for cell in row:
            if cell[:1] in _FORMULA_STARTS:
                self._formulas_check(row)
                break
        code = row[self.code_at].strip()
        indicator = self.indicators.get(code)
        if indicator is None:
            raise InputError(_("Unknown indicator code “%(code)s”.") % {"code": code})
        start = period_parse(
            row[self.period_at].strip(), frequency=indicator.frequency, today=self.today
        )
        earlier = self.seen.setdefault((code, start), number)
        if earlier != number:
            raise InputError(
                _("The same indicator and period already appear in row %(row)d.")
                % {"row": earlier}
            )
        value = decimal_parse(row[self.value_at].strip())
        comment = self.cell(row, "comment") if self.comment_at is not None else ""
        return ValueInput(indicator, start, value, comment or self.comment)

    def _formulas_check(self, row: list[str]) -> None:
        # The value column is parsed as a number (a leading minus is a sign);
        # every other cell must not be something a spreadsheet would run.
        for position, cell in enumerate(row):
            if position != self.value_at or cell.startswith(("=", "@")):
                text_check(cell)


def file_check(
    content: bytes, *, comment: str = "", progress=None, plan: bool = True
) -> CheckResult:
    """Check every row of a file against the rules and the database; no writes.

    Without ``plan`` rows are only parsed: the commit compares them with the
    database itself, under its lock.
    """
    result = CheckResult()
    try:
        rows = rows_read(content)
        if not any(_filled(row) for row in rows[1:]):
            raise FileRejected(_("The file has no data rows under its header."))
        if len(rows) - 1 > MAX_ROWS:
            raise FileRejected(
                _("The file has more than %(max)d rows.") % {"max": MAX_ROWS}
            )
        columns = columns_find(rows[0])
    except FileRejected as exc:
        result.file_errors.append(str(exc))
        return result
    checker = _RowChecker(columns, len(rows[0]), comment)
    data = rows[1:]
    for begin in range(0, len(data), CHUNK):
        _chunk_check(result, checker, data[begin : begin + CHUNK], begin + 2, plan)
        if progress:
            progress(min(begin + CHUNK, len(data)), len(data))
    result.report.sort(key=lambda entry: entry[0])
    return result


def _filled(row: list[str]) -> bool:
    return bool("".join(row).strip())


def _chunk_check(
    result: CheckResult,
    checker: _RowChecker,
    rows: list[list[str]],
    first: int,
    plan: bool,
) -> None:
    items, numbers = [], []
    for number, row in enumerate(rows, start=first):
        if not _filled(row):
            continue
        try:
            items.append(checker.check(number, row))
            numbers.append(number)
        except InputError as exc:
            cells = [checker.cell(row, c) for c in ("indicator", "period", "value")]
            result.report.append([number, *cells, "error", str(exc)])
    plans = (
        values_plan(items=items)
        if plan
        else [PlannedValue(item, "pending") for item in items]
    )
    for number, planned in zip(numbers, plans, strict=True):
        item = planned.item
        cells = [item.indicator.code, rows[number - first][checker.period_at]]
        outcome = OUTCOME_LABELS.get(planned.outcome, "error")
        result.report.append(
            [number, *cells, str(item.value), outcome, planned.error.strip()]
        )
        if outcome != "error":
            result.items.append(item)
            result.item_rows.append(number)


# --- The job: check, then commit ---------------------------------------------------


def value_import_create(
    *, user, filename: str, content: bytes, comment: str = ""
) -> ValueImport:
    """Store an uploaded file and queue its dry run."""
    # The task calls back into this module: imported where it is used.
    from .tasks import value_import_check_task

    job = ValueImport.objects.create(
        filename=filename[:255], content=content, comment=comment, created_by=user
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
    ).update(status=ImportStatus.COMMITTING, finished_at=None, processed_rows=0)
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
        bytes(job.content), comment=job.comment, progress=_job_progress(job_id)
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
    for position, message in exc.errors.items():
        if position is None or position not in rows:
            result.file_errors.append(message)
            continue
        entry = by_row[rows[position]]
        entry[4], entry[5] = "error", message


def report_rows(job: ValueImport, *, errors_only: bool = False) -> Iterator[list]:
    """The job's report, or only its error rows."""
    for entry in job.report:
        if not errors_only or entry[4] == "error":
            yield entry


def import_failed(*, job_id: int) -> None:
    """Mark a job that stopped unexpectedly as failed: nothing was saved."""
    ValueImport.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED,
        file_errors=[_("The import stopped unexpectedly; nothing was saved.")],
        finished_at=timezone.now(),
    )
