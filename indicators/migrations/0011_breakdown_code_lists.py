"""The built-in breakdown dimensions and their code lists: regions (the four
health regions, the 15 counties and the 357 municipalities of the 2024
division, from Kartverket via ``indicators/data/regions.json``) and sectors."""

import json
from pathlib import Path

from django.db import migrations

REGIONS = Path(__file__).resolve().parent.parent / "data" / "regions.json"
SECTORS = [
    ("kommune", "Kommunale helse- og omsorgstjenester", "Municipal health and care services"),
    ("spesialisthelsetjeneste", "Spesialisthelsetjenesten", "Specialist health services"),
    ("fastlege", "Fastlegeordningen", "Regular general practitioners"),
    ("tannhelse", "Tannhelsetjenesten", "Dental health services"),
    ("apotek", "Apotek", "Pharmacies"),
]


def code_lists_create(apps, schema_editor):
    Dimension = apps.get_model("indicators", "BreakdownDimension")
    Category = apps.get_model("indicators", "BreakdownCategory")
    region, _ = Dimension.objects.update_or_create(
        code="region",
        defaults={"name_nb": "Region", "name_en": "Region", "is_builtin": True, "order": 1},
    )
    sector, _ = Dimension.objects.update_or_create(
        code="sector",
        defaults={"name_nb": "Sektor", "name_en": "Sector", "is_builtin": True, "order": 2},
    )
    created = {}
    # Parents come before their children in the file.
    for order, entry in enumerate(json.loads(REGIONS.read_text(encoding="utf-8"))):
        created[entry["code"]] = Category.objects.create(
            dimension=region,
            code=entry["code"],
            name_nb=entry["name"],
            name_en=entry.get("name_en") or entry["name"],
            level=entry["level"],
            parent=created.get(entry.get("parent")),
            order=order,
        )
    Category.objects.bulk_create(
        Category(dimension=sector, code=code, name_nb=nb, name_en=en, order=order)
        for order, (code, nb, en) in enumerate(SECTORS)
    )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0010_breakdowns")]

    operations = [# Backwards: 0010's tables go with their rows.
        migrations.RunPython(code_lists_create, migrations.RunPython.noop)]
