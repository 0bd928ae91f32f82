"""The one rule for codes that name things in addresses, files and integrations.

Goal, sub-goal, initiative and indicator codes (``M1``, ``1A-1``,
``DEMO-M1-1``) become path segments (``/indicators/<code>/``), file cells and
API fields. A code that a path cannot carry (``A/B``), that a browser
resolves away (``..``), that reads like another (``ＤＥＭＯ``, a zero-width
space) or that a spreadsheet would run (``=1+1``) is refused wherever a code
is set.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# What the API documents (an ECMA regular expression); ``CODE_REGEX`` is the
# same rule for Python and the databases (\A and \Z: a trailing newline is not
# allowed, which ``$`` would let through).
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
CODE_REGEX = r"\A[A-Za-z0-9][A-Za-z0-9._-]*\Z"
_CODE = re.compile(CODE_REGEX)

CODE_HELP = _(
    "Letters A–Z, digits, “.”, “_” and “-”, starting with a letter or a digit."
)


def code_valid(code: str) -> None:
    """ASCII letters, digits, ``.``, ``_`` and ``-``, starting with a letter or
    digit, and no ``..``."""
    if not _CODE.match(code):
        raise ValidationError(
            _(
                "A code may use only the letters A–Z, digits, “.”, “_” and “-”, "
                "and must start with a letter or a digit."
            ),
            code="code_characters",
        )
    if ".." in code:
        raise ValidationError(_("A code may not contain “..”."), code="code_dots")
