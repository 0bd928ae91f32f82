"""Reading an import file and checking its rows: no database, no writes.

A file (CSV in UTF-8 or Windows-1252, any of the usual separators, or XLSX) is
read into rows of text cells; ``RowChecker`` turns each data row into a
``ValueInput`` or says, for the person who made the file, what is wrong with
it. The import jobs (``imports.py``) compare the checked rows with the
database and record them.
"""

import codecs
import csv
import datetime as dt
import io
import zipfile

from django.utils.translation import gettext as _

from core.spreadsheet import formula_like

from .models import Indicator, ValueInput, ValueKey
from .parsing import InputError, decimal_parse, period_parse, text_check

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000
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


def filled(row: list[str]) -> bool:
    return bool("".join(row).strip())


class RowChecker:
    """Turns a data row into a ValueInput, or says what is wrong with it.

    Runs once per row of files of up to ``MAX_ROWS`` rows, on the dry run and
    again on the commit: column positions are looked up once.
    """

    def __init__(
        self,
        columns: dict[str, int],
        width: int,
        *,
        comment: str,
        indicators: dict[str, Indicator],
        today: dt.date,
    ):
        self.columns, self.width, self.comment = columns, width, comment
        self.code_at, self.period_at, self.value_at = (columns[c] for c in REQUIRED)
        self.comment_at = columns.get("comment")
        self.needed = max(self.code_at, self.period_at, self.value_at) + 1
        self.indicators, self.today = indicators, today
        self.seen: dict[ValueKey, int] = {}

    def cell(self, row: list[str], column: str) -> str:
        position = self.columns.get(column)
        if position is None or position >= len(row):
            return ""
        return row[position].strip()

    def check(self, number: int, row: list[str]) -> ValueInput:
        if len(row) < self.needed or (
            len(row) > self.width and filled(row[self.width :])
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
            if formula_like(cell):
                self._formulas_check(row)
                break
        code = row[self.code_at].strip()
        indicator = self.indicators.get(code)
        if indicator is None:
            raise InputError(_("Unknown indicator code “%(code)s”.") % {"code": code})
        start = period_parse(
            row[self.period_at].strip(), frequency=indicator.frequency, today=self.today
        )
        earlier = self.seen.setdefault(ValueKey(indicator.pk, start), number)
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
            if position != self.value_at or cell.strip().startswith(("=", "@")):
                text_check(cell)
