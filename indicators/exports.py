"""CSV/XLSX export of values; text cells are escaped against formula injection."""

import csv
import io
import re
from collections.abc import Iterable

from core.spreadsheet import cell_escape

from .breakdowns import breakdown_parse
from .models import IndicatorValue

HEADER = [
    "indicator",
    "period",
    "value",
    "status",
    "official",
    "comment",
    "source",
    "entered_by",
    "entered_at",
    "approved_by",
    "approved_at",
    "superseded_at",
    "rejection_reason",
]
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)[:60]


def _row(value: IndicatorValue, dimensions: list[str]) -> list:
    def who(user) -> str:
        return cell_escape(user.get_username()) if user else ""

    def when(moment) -> str:
        return moment.isoformat() if moment else ""

    official = value.status == "approved" and value.superseded_at is None
    series = breakdown_parse(value.breakdown) if dimensions else {}
    return [
        cell_escape(value.indicator.code),
        value.period_label,
        *(series.get(dimension, "") for dimension in dimensions),
        value.value.normalize(),
        value.status,
        "yes" if official else "no",
        cell_escape(value.comment),
        value.source,
        who(value.entered_by),
        when(value.entered_at),
        who(value.approved_by),
        when(value.approved_at),
        when(value.superseded_at),
        cell_escape(value.rejection_reason),
    ]


def values_export(
    values: Iterable[IndicatorValue], *, fmt: str, dimensions: Iterable[str] = ()
) -> tuple[bytes, str]:
    """The values as a file body and its content type, with a column for each
    breakdown dimension of ``dimensions`` (empty for the national figure).

    CSV is semicolon-separated with a decimal comma and a BOM, the form that
    Excel in Norwegian opens correctly; the import reads it back.
    """
    columns = sorted(dimensions)
    header = [*HEADER[:2], *columns, *HEADER[2:]]
    rows = (_row(value, columns) for value in values)
    if fmt == "xlsx":
        return _xlsx(rows, header), XLSX_TYPE
    return _csv(rows, header, value_at=2 + len(columns)), CSV_TYPE


def _csv(rows, header: list[str], *, value_at: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        row[value_at] = format(row[value_at], "f").replace(".", ",")
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(rows, header: list[str]) -> bytes:
    # openpyxl takes a tenth of a second to import: only XLSX exports pay it.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("values")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
