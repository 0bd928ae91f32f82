"""A value's breakdown: which series of an indicator it belongs to.

A breakdown maps dimension codes to category codes (``{"region": "03"}``); the
empty breakdown is the national figure. It is stored as one canonical text
key, the dimensions in code order: ``region:03`` or ``region:03,sector:kommune``
(``""`` for the national figure), so that the one-official-value rule, the
staging COPY and every key in Python treat a series like any other column.
The same text is the API's filter (``?breakdown=region:03``; ``national`` for
the national figure).

Pure: no Django models; the code lists are checked by the caller.
"""

import re
from collections.abc import Mapping

NATIONAL = ""
NATIONAL_FILTER = "national"
# Dimension and category codes: letters (Norwegian ones too: HSØ), digits, "_"
# and "-". Neither ":" nor "," can occur, so a key parses back unambiguously.
CODE_PATTERN = r"[0-9A-Za-zÆØÅæøå_-]{1,40}"
_CODE = re.compile(CODE_PATTERN)


class BreakdownError(ValueError):
    """A breakdown that cannot be read; the message says why."""


def breakdown_key(breakdown: Mapping[str, str] | None) -> str:
    """The canonical key of a breakdown mapping (``""`` for national)."""
    if not breakdown:
        return NATIONAL
    parts = []
    for dimension in sorted(breakdown):
        category = breakdown[dimension]
        if not isinstance(dimension, str) or not _CODE.fullmatch(dimension):
            raise BreakdownError(f"dimension:{dimension}")
        if not isinstance(category, str) or not _CODE.fullmatch(category):
            raise BreakdownError(f"category:{dimension}")
        parts.append(f"{dimension}:{category}")
    return ",".join(parts)


def breakdown_parse(key: str) -> dict[str, str]:
    """The mapping of a canonical key (or of a ``?breakdown=`` filter)."""
    if key in (NATIONAL, NATIONAL_FILTER):
        return {}
    found: dict[str, str] = {}
    for part in key.split(","):
        dimension, colon, category = part.partition(":")
        dimension, category = dimension.strip(), category.strip()
        if not colon or not _CODE.fullmatch(dimension) or not _CODE.fullmatch(category):
            raise BreakdownError(f"part:{part}")
        if dimension in found:
            raise BreakdownError(f"twice:{dimension}")
        found[dimension] = category
    return found
