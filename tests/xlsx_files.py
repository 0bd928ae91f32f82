"""XLSX files written by hand, for the import budget's tests and its benchmark.

``rows_xlsx`` streams a workbook of any number of rows into a ZIP without
holding the sheet in memory: millions of identical rows compress to a few
hundred kilobytes, the shape of the outside test's "5M rows in 816 kB".
"""

import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
SHEET_END = "</sheetData></worksheet>"


def text_cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def number_cell(number) -> str:
    return f"<c><v>{number}</v></c>"


HEADER = "<row>" + "".join(map(text_cell, ("indikator", "periode", "verdi"))) + "</row>"


def rows_xlsx(rows: int, *, row_xml: str | None = None, sheet: str = "") -> bytes:
    """A workbook whose sheet has the header and ``rows`` copies of one row
    (``K1;2024;1`` unless ``row_xml`` says otherwise), or the given ``sheet``
    XML instead."""
    row_xml = row_xml or (
        "<row>" + text_cell("K1") + number_cell(2024) + number_cell(1) + "</row>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            if sheet:
                part.write(sheet.encode())
            else:
                _sheet_write(part, rows, row_xml)
    return out.getvalue()


def _sheet_write(part, rows: int, row_xml: str) -> None:
    part.write((SHEET_START + HEADER).encode())
    block = (row_xml * 10_000).encode()
    for _ in range(rows // 10_000):
        part.write(block)
    part.write((row_xml * (rows % 10_000)).encode())
    part.write(SHEET_END.encode())
