"""The one rule for control characters in what a request brings in.

PostgreSQL cannot store NUL in text and refuses any query that carries one, so
a NUL anywhere a request's text reaches a query (``/goals/M1%00/``,
``?goal=M1%00``, a JSON item's comment) used to end in a 500. Other control
characters are never meant either. They are refused where they enter:
addresses, query strings, cookies and form fields by
``core.middleware.ControlCharacterMiddleware``, JSON bodies by the API's
parser; the answer is a 400 that says why.

Free text keeps tab, line feed and carriage return (a comment may have lines);
addresses keep none.
"""

import re
from collections.abc import Iterable

# Every C0 control character and DEL: nothing in an address or a code.
ADDRESS_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
# Text may keep tab, line feed and carriage return.
TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A JSON body can only carry a control character as an escape (\u0000 …);
# without one, no string of it needs to be looked at.
_JSON_CONTROL_ESCAPE = re.compile(rb"\\u00[01][0-9a-fA-F]|\\u007[fF]")


def text_has_controls(text: str) -> bool:
    return TEXT_CONTROLS.search(text) is not None


def pairs_with_controls(pairs: Iterable[tuple[str, str]]) -> str | None:
    """The first name whose name or value holds a control character, or None."""
    for name, value in pairs:
        if text_has_controls(name) or text_has_controls(value):
            return TEXT_CONTROLS.sub("?", name)
    return None


def json_with_controls(body: bytes, data: object) -> str | None:
    """Where in parsed JSON a string holds a control character (``3.comment``,
    ``items.0.indicator``), or None; fast when the body has no such escape."""
    if not _JSON_CONTROL_ESCAPE.search(body):
        return None
    return _json_where(data)


def _json_where(data: object) -> str | None:
    # A stack, not recursion: the parser allows 1,024 levels of nesting.
    stack: list[tuple[object, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if text_has_controls(value):
                return TEXT_CONTROLS.sub("?", path) or "."
            continue
        if isinstance(value, dict):
            items: Iterable = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        children = []
        for key, child in items:
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and text_has_controls(key):
                return TEXT_CONTROLS.sub("?", where)
            children.append((child, where))
        stack.extend(reversed(children))
    return None
