"""Plain helpers of the roadmap tests: the real delivery list and edited copies."""

import csv
import io
from pathlib import Path

NEW_VERSION = "2026-12"
REAL_FILE = (
    Path(__file__).resolve().parents[1] / "data" / "roadmap-deliveries-2026-08.csv"
)


def read_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def write_rows(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
    return out.getvalue()


def as_version(text: str, version: str) -> str:
    """The list with its Versjon column set to ``version``."""
    rows = read_rows(text)
    for data in rows[1:]:
        data[9] = version
    return write_rows(rows)


def edited_copy(text: str, version: str = NEW_VERSION) -> tuple[str, dict]:
    """The real list with a phase moved, a date changed, a row removed and added."""
    rows = read_rows(as_version(text, version))
    moved, dated, removed = rows[1], rows[3], rows[5]
    assert (moved[2], dated[3]) == ("Innføring", "01.07.2026")
    moved[2] = "I bruk"
    dated[3] = "01.09.2026"
    del rows[5]
    added = [*rows[1]]
    added[0], added[8] = "Ny leveranse", "99999999999999999"
    rows.append(added)
    ids = {"moved": moved[8], "dated": dated[8], "removed": removed[8]}
    return write_rows(rows), ids
