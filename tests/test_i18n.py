"""User-facing strings have Norwegian text; the compiled catalogue is fresh."""

import gettext
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "locale"
NB_PO = LOCALE / "nb" / "LC_MESSAGES" / "django.po"
NB_MO = LOCALE / "nb" / "LC_MESSAGES" / "django.mo"


def test_norwegian_catalogue_is_complete():
    catalogue = polib.pofile(str(NB_PO))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_compiled_catalogue_matches_the_source():
    catalogue = polib.pofile(str(NB_PO))
    with NB_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if not entry.msgid_plural and _compiled(compiled, entry) != entry.msgstr
    ]
    assert not stale, f"run 'make messages' to recompile: {stale[:5]}"


def _compiled(compiled: gettext.GNUTranslations, entry) -> str:
    """The compiled translation of an entry, in its context if it has one."""
    if entry.msgctxt:
        return compiled.pgettext(entry.msgctxt, entry.msgid)
    return compiled.gettext(entry.msgid)
