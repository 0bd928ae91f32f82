"""Texts kept in bokmål and, where the source has one, in English.

On an English page the English text is shown where there is one; otherwise the
bokmål text, marked ``lang="nb"`` so that screen readers read it as Norwegian
(tests/test_english_complete.py holds every page to this). The template
filters of the same names are in ``core.templatetags.texts``.
"""

from collections.abc import Mapping

from django.utils.html import format_html
from django.utils.translation import get_language


def _field(obj, name: str) -> str:
    if isinstance(obj, Mapping):
        return obj.get(name) or ""
    return getattr(obj, name, "") or ""


def english(obj, field: str) -> str:
    """The English ``<field>_en`` on an English page, else an empty text."""
    return _field(obj, f"{field}_en") if get_language() == "en" else ""


def in_language(obj, field: str) -> str:
    """HTML: the English text on an English page where there is one, else the
    bokmål text marked as Norwegian."""
    return english(obj, field) or format_html(
        '<span lang="nb">{}</span>', _field(obj, f"{field}_nb")
    )


def text_in_language(obj, field: str) -> str:
    """Plain text for a place that marks its language from the text itself (a
    table cell, an option, a chart's data): the English text on an English
    page where there is one, else the bokmål text, on an English page a
    ``NorwegianText`` (its ``lang`` is "nb")."""
    if text := english(obj, field):
        return text
    text = _field(obj, f"{field}_nb")
    return NorwegianText(text) if get_language() == "en" else text


def plain_in_language(obj, field: str) -> str:
    """Plain text for a place that cannot mark a language (a page title): on
    an English page the English text or nothing (the template falls back on a
    code); on a Norwegian page the bokmål text."""
    if get_language() == "en":
        return english(obj, field)
    return _field(obj, f"{field}_nb")


def code_and_name(obj, field: str = "name") -> str:
    """Plain text naming a row in a sentence: ``1A-2 <name>`` in its bokmål
    name, or in English where it has an English name, else by its code alone
    (a sentence cannot mark one part as Norwegian)."""
    name = plain_in_language(obj, field)
    return f"{obj.code} {name}" if name else obj.code


def role_labels(names) -> str:
    """Role names (the groups' bokmål names) as the language calls them."""
    from core.roles import Role

    return ", ".join(
        str(Role(name).label) if name in Role.values else name for name in names
    )


def role_label(name: str) -> str:
    return role_labels([name])


class NorwegianText(str):
    """A text known to be bokmål (a roadmap phase's name): a choice with such
    a label is marked ``lang="nb"``."""

    lang = "nb"


# Rows whose own names are Norwegian whatever the page's language: names of
# organisations and the roadmap's deliveries, which have no English.
NORWEGIAN_NAMED = frozenset({"core.organisation", "initiatives.delivery"})
# Rows whose text (their name, their fields' values) is the strategy's own
# bokmål: the audit trail marks them.
NORWEGIAN_CONTENT = NORWEGIAN_NAMED | {
    "strategy.strategy",
    "strategy.goal",
    "strategy.subgoal",
    "strategy.planversion",
    "initiatives.initiative",
    "initiatives.roadmapphase",
    "initiatives.statusreport",
    "indicators.indicator",
    "councils.council",
    "councils.meeting",  # named after its council's bokmål name
}


def choice_in_language(option: dict) -> dict:
    """A select option's label and language: a strategy text in English where
    there is one (``M1 Active participation …``), else as it was, marked
    ``lang="nb"`` when it is Norwegian content."""
    label = option["label"]
    instance = getattr(option["value"], "instance", None)
    if instance is None:
        return {"label": label, "lang": getattr(label, "lang", "")}
    for field in ("title", "name"):
        if hasattr(instance, f"{field}_nb"):
            text = english(instance, field)
            if text:
                code = getattr(instance, "code", "")
                return {"label": f"{code} {text}".strip(), "lang": ""}
            return {"label": label, "lang": "nb"}
    norwegian = instance._meta.label_lower in NORWEGIAN_NAMED
    return {"label": label, "lang": "nb" if norwegian else ""}
