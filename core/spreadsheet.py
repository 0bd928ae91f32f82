"""Text that a spreadsheet would run as a formula (CSV/XLSX injection).

Shared by every export (values, the audit trail) and by the input checks that
refuse such text where it arrives: one rule, ``formula_like``.
"""

import unicodedata

# Characters that make a spreadsheet treat a text cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula.

    It looks past what the eye or a trimming import does not see: leading
    blanks (space, no-break space, line breaks), invisible format characters
    (a zero-width space) and full-width forms (``＝``), so ``" =1+1"``,
    ``"\\n=1+1"`` and ``"\\u00a0=1+1"`` count as much as ``"=1+1"``.
    """
    if text.startswith(FORMULA_PREFIXES):
        return True
    if not text or (text[0].isascii() and not text[0].isspace()):
        return False  # the usual text, decided without a look further
    return _first_visible(text).startswith(FORMULA_PREFIXES)


def _first_visible(text: str) -> str:
    for char in text:
        if not char.isspace() and unicodedata.category(char) != "Cf":
            return unicodedata.normalize("NFKC", char)
    return ""


def cell_escape(text: str) -> str:
    """Prefix a text cell that a spreadsheet would run as a formula with ``'``.

    Only text is escaped; numbers are written as numbers (a negative value
    stays a negative number).
    """
    return f"'{text}" if formula_like(text) else text
