"""Text that a spreadsheet would run as a formula (CSV/XLSX injection).

Shared by every export (values, the audit trail) and by the input checks that
refuse such text where it arrives.
"""

# Characters that make a spreadsheet treat a text cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_escape(text: str) -> str:
    """Prefix a text cell that a spreadsheet would run as a formula with ``'``.

    Only text is escaped; numbers are written as numbers (a negative value
    stays a negative number).
    """
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text
