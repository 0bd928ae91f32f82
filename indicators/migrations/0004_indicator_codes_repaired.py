"""Give every indicator a code that the code rule (core.codes) allows.

Before the rule, the web form took codes such as ``A/B`` (every indicator page
then failed for every role), ``..``, ``A B``, fullwidth letters, a zero-width
space and ``demo-m1-1`` beside ``DEMO-M1-1``. Such a code is replaced by the
nearest allowed one (``A-B``, ``DEMO-M1-1-2`` …) and the change is kept in the
indicator's history, so that 0005 can make the rule a database constraint.
Allowed codes are never touched.
"""

import re
import unicodedata

from django.db import migrations
from django.utils import timezone

ALLOWED = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._-]*\Z")
RESERVED = {"new", "approvals", "export", "imports"}
MAX_LENGTH = 40
REASON = "code repaired: not allowed by the code rule"


def allowed(code):
    return bool(ALLOWED.match(code)) and ".." not in code


def nearest_allowed(code):
    text = unicodedata.normalize("NFKC", code)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"^[^A-Za-z0-9]+", "", text)[:MAX_LENGTH] or "IND"
    return f"{text[: MAX_LENGTH - 2]}-1" if text.lower() in RESERVED else text


def unique(code, taken):
    candidate, n = code, 1
    while candidate.upper() in taken:
        n += 1
        suffix = f"-{n}"
        candidate = code[: MAX_LENGTH - len(suffix)] + suffix
    return candidate


def repair(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    History = apps.get_model("indicators", "HistoricalIndicator")
    indicators = list(Indicator.objects.order_by("pk"))
    keep = [
        i for i in indicators if allowed(i.code) and i.code.lower() not in RESERVED
    ]
    taken, kept = set(), set()
    for indicator in keep:  # the oldest of codes equal but for case keeps it
        if indicator.code.upper() not in taken:
            taken.add(indicator.code.upper())
            kept.add(indicator.pk)
    now = timezone.now()
    for indicator in indicators:
        if indicator.pk in kept:
            continue
        old = indicator.code
        indicator.code = unique(nearest_allowed(old), taken)
        taken.add(indicator.code.upper())
        indicator.save(update_fields=["code"])
        fields = {f.attname: getattr(indicator, f.attname) for f in Indicator._meta.concrete_fields}
        History.objects.create(
            **fields,
            history_date=now,
            history_type="~",
            history_change_reason=f"{REASON} ({old[:30]})"[:100],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0003_indicator_code_not_reserved"),
    ]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
