"""Write scope: which indicators a writer may change.

A request made with an API key may write only the indicators, or the goals,
its key lists in ``scopes`` (none when empty): their values, their decisions
and their definitions (a new indicator counts by its goal, a moved one by its
goal before and after). A browser session of an allowed role may write every
indicator. The API checks it before anything else (a 403 naming what is
outside), and the services check it again for every write they are given a
scope with: one rule, in one place.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.models import ApiKey
from core.roles import user_has_role

from .models import Indicator

# How many codes a message lists before "and N more".
LISTED = 20


@dataclass(frozen=True)
class WriteScope:
    """The goal and indicator codes a writer may write; None: every one."""

    codes: frozenset[str] | None

    def denied(self, indicators: Iterable[Indicator]) -> list[str]:
        """The codes of these indicators that lie outside the scope."""
        if self.codes is None:
            return []
        return [
            i.code
            for i in indicators
            if i.code not in self.codes and i.goal.code not in self.codes
        ]

    def refusal(self, indicators: Iterable[Indicator]) -> str:
        """Why these indicators' values may not be written, or "" when they may."""
        denied = self.denied(indicators)
        if not denied:
            return ""
        return _("You may not write values of these indicators: %(codes)s.") % {
            "codes": codes_listed(denied)
        }

    def definition_check(self, indicators: Iterable[Indicator]) -> None:
        """OutsideScope unless these indicators' definitions may be written."""
        if denied := self.denied(indicators):
            raise OutsideScope(
                _("You may not define or change these indicators: %(codes)s.")
                % {"codes": codes_listed(denied)}
            )


class OutsideScope(PermissionDenied):
    """A write outside the writer's scope; the message names what is outside."""


EVERYTHING = WriteScope(None)


def write_scope(*, user, auth: object, session_roles: Iterable[str]) -> WriteScope:
    """The scope of a request: its API key's, or everything for a session of
    one of ``session_roles`` (nothing for any other session)."""
    key = auth if isinstance(auth, ApiKey) else None
    if key is None and user_has_role(user, *session_roles):
        return EVERYTHING
    return WriteScope(frozenset(key.scopes) if key else frozenset())


def codes_listed(labels: Iterable[str]) -> str:
    """Sorted, comma-separated, at most ``LISTED`` of them and "and N more"."""
    labels = sorted(set(labels))
    text = ", ".join(labels[:LISTED])
    if len(labels) > LISTED:
        text += " " + _("and %(n)d more") % {"n": len(labels) - LISTED}
    return text
