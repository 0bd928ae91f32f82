"""Reading an import file and checking its rows: no database, no writes.

A file (CSV in UTF-8 or Windows-1252, any of the usual separators, or XLSX) is
read into rows of text cells; ``RowChecker`` turns each data row into a
``ValueInput`` or says, for the person who made the file, what is wrong with
it. The import jobs (``imports.py``) compare the checked rows with the
database and record them.

Reading is bounded by a budget enforced while reading, not after: the 10 MB
limit is on the file as uploaded, and a small XLSX can unpack to millions of
rows (the outside test's 5M rows in 816 kB peaked at 2.4 GB). An XLSX's
declared unpacked sizes are checked before anything is unpacked (Python's
zipfile never unpacks more than a member declares), its first sheet is read
row by row (openpyxl's read-only mode, XML through defusedxml), and any file
stops being read at the first row or cell beyond ``MAX_ROWS`` /
``MAX_CELLS`` / ``MAX_COLUMNS``.
"""

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from core.spreadsheet import formula_like

from .breakdowns import NATIONAL, BreakdownError, breakdown_key
from .models import Indicator, ValueInput, ValueKey
from .parsing import InputError, decimal_parse, period_parse, text_check

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 200_000
# The format needs three or four columns: a row with a filled cell further
# right than this is refused.
MAX_COLUMNS = 50
# Filled cells in the whole file: 200,000 rows of five.
MAX_CELLS = 1_000_000
# What an XLSX may unpack to: a sheet of MAX_ROWS rows, as Excel writes them,
# is about 25 MB; shared strings and everything else are far smaller. Parsed
# XML takes several times its size in memory, hence the small other limits.
XLSX_MAX_SHEET = 64 * 2**20
XLSX_MAX_SHARED_STRINGS = 16 * 2**20
XLSX_MAX_OTHER = 4 * 2**20
XLSX_MAX_TOTAL = 96 * 2**20
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


def rows_read(content: bytes, *, filename: str = "") -> list[list[str]]:
    """The file's rows as lists of text cells, header first, within the budget.

    ``filename`` is the name it was uploaded under: a file named ``.xlsx``
    that is no Excel workbook is refused as such, not read as text.
    """
    if not content.strip():
        raise FileRejected(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise FileRejected(
            _("The file is larger than %(mb)d MB; split it into smaller files.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if content.startswith(XLSX_MAGIC):
        return _xlsx_rows(content)
    if filename.lower().endswith(".xlsx"):
        raise FileRejected(
            _("The file is named .xlsx but is not an Excel file (XLSX).")
        )
    return _within_budget(_csv_rows(_decode(content)))


def _within_budget(rows: Iterable[list[str]]) -> list[list[str]]:
    """The rows, read one at a time and refused at the first one past the
    budget; empty cells beyond the header's width are dropped."""
    kept: list[list[str]] = []
    cells = width = 0
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:  # the header and MAX_ROWS data rows
            raise FileRejected(
                _("The file has more than %(max)d rows.") % {"max": MAX_ROWS}
            )
        while len(row) > width and not row[-1]:
            row.pop()
        if number == 1:
            width = len(row)
        if len(row) > MAX_COLUMNS:
            raise FileRejected(
                _("Row %(row)d has more than %(max)d columns.")
                % {"row": number, "max": MAX_COLUMNS}
            )
        cells += len(row)
        if cells > MAX_CELLS:
            raise FileRejected(
                _("The file has more than %(max)d filled cells.") % {"max": MAX_CELLS}
            )
        kept.append(row)
    return kept


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


def _csv_rows(text: str) -> Iterator[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise FileRejected(
            _("The file is not valid CSV (line %(line)d): %(error)s")
            % {"line": reader.line_num, "error": exc}
        ) from exc


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        _xlsx_sizes_check(archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise FileRejected(_("The file is not a readable XLSX workbook.")) from exc
    # openpyxl takes a tenth of a second to import: only XLSX files pay it.
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula comes back as its text and is refused.
        workbook = load_workbook(io.BytesIO(content), read_only=True)
    except Exception as exc:  # any failure to open an untrusted file
        raise FileRejected(_("The file is not a readable XLSX workbook.")) from exc
    try:
        if not workbook.worksheets:
            raise FileRejected(_("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        with sheet._get_source() as source:
            _xlsx_sheet_count(source)
        # The sheet's own claim of its size is not trusted: rows are as wide
        # as their last cell (one wider than MAX_COLUMNS stops the reading),
        # and no more are parsed than the budget can take.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(max_row=MAX_ROWS + 2, values_only=True)
        return _within_budget([_xlsx_cell(cell) for cell in row] for row in rows)
    except FileRejected:
        raise
    except Exception as exc:  # a malformed sheet, whatever openpyxl raises
        raise FileRejected(
            _("The first sheet of the workbook cannot be read (%(error)s).")
            % {"error": exc.__class__.__name__}
        ) from exc
    finally:
        workbook.close()


def _xlsx_sheet_count(source) -> None:
    """Refuse a sheet with more rows or filled cells than the budget, from a
    bare pass over its XML (no cell is converted, each row is dropped once
    counted): openpyxl takes some 20 µs a row even for empty ones, so a sheet
    of many small rows is refused here in a fraction of the time."""
    from defusedxml.ElementTree import iterparse

    rows = cells = 0
    parent = None
    for event, element in iterparse(source, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if tag == "sheetData":
                parent = element
        elif tag in ("v", "is"):  # a filled cell has one of these
            cells += 1
        elif tag == "row":
            rows = max(rows + 1, int(element.get("r") or 0))
            if rows > MAX_ROWS + 1:
                raise FileRejected(
                    _("The file has more than %(max)d rows.") % {"max": MAX_ROWS}
                )
            if cells > MAX_CELLS:
                raise FileRejected(
                    _("The file has more than %(max)d filled cells.")
                    % {"max": MAX_CELLS}
                )
            element.clear()
            if parent is not None:
                parent.remove(element)


def _xlsx_sizes_check(members: list[zipfile.ZipInfo]) -> None:
    """Refuse, before unpacking anything, a workbook that unpacks too large."""
    if sum(m.file_size for m in members) > XLSX_MAX_TOTAL:
        raise FileRejected(_xlsx_too_large())
    for member in members:
        name = member.filename
        if name.startswith("xl/worksheets/"):
            limit = XLSX_MAX_SHEET
        elif name == "xl/sharedStrings.xml":
            limit = XLSX_MAX_SHARED_STRINGS
        else:
            limit = XLSX_MAX_OTHER
        if member.file_size > limit:
            raise FileRejected(_xlsx_too_large())
    if not any(m.filename == "xl/workbook.xml" for m in members):
        raise FileRejected(
            _("The file is a ZIP archive but not an Excel workbook (XLSX).")
        )


def _xlsx_too_large() -> str:
    return _(
        "The workbook unpacks to more than an import of %(max)d rows can hold; "
        "split it into smaller files."
    ) % {"max": MAX_ROWS}


def _xlsx_cell(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return str(cell)


# Breakdown columns: ``breakdown:<dimension code>``; the built-in dimensions
# also under their Norwegian names.
DIMENSION_ALIASES = {"sektor": "sector", "fylke": "region", "helseregion": "region"}
BREAKDOWN_COLUMN = "breakdown:"


def columns_find(
    header: list[str], *, dimensions: Iterable[str] = ()
) -> dict[str, int]:
    """Column name → position, from an English or Norwegian header; a column
    named after a breakdown dimension (``region``, ``sektor`` …) is that
    dimension's (``breakdown:region``)."""
    found = {}
    known = {code.lower(): code for code in dimensions}
    for position, name in enumerate(header):
        key = name.strip().strip('"').lower()
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in found:
                found[column] = position
        dimension = known.get(DIMENSION_ALIASES.get(key, key))
        if dimension and f"{BREAKDOWN_COLUMN}{dimension}" not in found:
            found[f"{BREAKDOWN_COLUMN}{dimension}"] = position
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
        self.dimension_at = {
            column.removeprefix(BREAKDOWN_COLUMN): position
            for column, position in columns.items()
            if column.startswith(BREAKDOWN_COLUMN)
        }
        self.needed = max(self.code_at, self.period_at, self.value_at) + 1
        self.indicators, self.today = indicators, today
        self.seen: dict[ValueKey, int] = {}
        self.series: dict[tuple[str, ...], str] = {}

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
        breakdown = self.breakdown(row)
        earlier = self.seen.setdefault(ValueKey(indicator.pk, start, breakdown), number)
        if earlier != number:
            message = (
                _(
                    "The same indicator, period and breakdown already appear in "
                    "row %(row)d."
                )
                if breakdown
                else _("The same indicator and period already appear in row %(row)d.")
            )
            raise InputError(message % {"row": earlier})
        value = decimal_parse(row[self.value_at].strip())
        comment = self.cell(row, "comment") if self.comment_at is not None else ""
        return ValueInput(indicator, start, value, comment or self.comment, breakdown)

    def breakdown(self, row: list[str]) -> str:
        """The row's series key from its breakdown columns (empty: national)."""
        if not self.dimension_at:
            return NATIONAL
        cells = tuple(
            row[position].strip() if position < len(row) else ""
            for position in self.dimension_at.values()
        )
        # A file repeats a few series over many rows: each is keyed once.
        if (key := self.series.get(cells)) is not None:
            return key
        pairs = zip(self.dimension_at, cells, strict=True)
        mapping = {dimension: cell for dimension, cell in pairs if cell}
        try:
            key = self.series[cells] = breakdown_key(mapping)
        except BreakdownError:
            raise InputError(
                _("A breakdown column holds something that is not a code.")
            ) from None
        return key

    def _formulas_check(self, row: list[str]) -> None:
        # The value column is parsed as a number (a leading minus is a sign);
        # every other cell must not be something a spreadsheet would run.
        for position, cell in enumerate(row):
            if position != self.value_at or cell.strip().startswith(("=", "@")):
                text_check(cell)
