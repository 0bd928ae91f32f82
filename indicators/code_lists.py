"""The built-in breakdown dimensions and their code lists: regions (the four
health regions, the 15 counties and the 357 municipalities of the 2024
division, from Kartverket via ``data/regions.json``, made by ``make geo``) and
sectors.

Loaded by migration 0011 and again by ``load_strategy`` (a test database
flushed between tests, or an older database, gets them back). Takes the model
classes, so that the migration passes its historical ones. Idempotent: codes
are matched, names brought up to date, nothing removed. Three queries and the
writes, however long the lists.
"""

import json
from pathlib import Path

REGIONS = Path(__file__).resolve().parent / "data" / "regions.json"
REGION, SECTOR = "region", "sector"
DIMENSIONS = [
    # code, name (nb), name (en), order
    (REGION, "Region", "Region", 1),
    (SECTOR, "Sektor", "Sector", 2),
]
SECTORS = [
    # code, name (nb), name (en)
    ("kommune", "Kommunale helse- og omsorgstjenester",
     "Municipal health and care services"),
    ("spesialisthelsetjeneste", "Spesialisthelsetjenesten",
     "Specialist health services"),
    ("fastlege", "Fastlegeordningen", "Regular general practitioners"),
    ("tannhelse", "Tannhelsetjenesten", "Dental health services"),
    ("apotek", "Apotek", "Pharmacies"),
]  # fmt: skip
LEVELS = ("", "health_region", "county", "municipality")


def _entries() -> dict[str, list[dict]]:
    regions = json.loads(REGIONS.read_text(encoding="utf-8"))
    sectors = [
        {"code": code, "name": nb, "name_en": en, "level": "", "parent": None}
        for code, nb, en in SECTORS
    ]
    return {REGION: regions, SECTOR: sectors}


def code_lists_load(dimension_model, category_model) -> int:
    """Create or update the built-in dimensions and categories; returns the
    number of categories created."""
    dimensions = {}
    for code, name_nb, name_en, order in DIMENSIONS:
        dimensions[code], _created = dimension_model.objects.update_or_create(
            code=code,
            defaults={
                "name_nb": name_nb,
                "name_en": name_en,
                "is_builtin": True,
                "order": order,
            },
        )
    existing = {
        (row.dimension_id, row.code): row
        for row in category_model.objects.filter(dimension__in=dimensions.values())
    }
    created = 0
    for dimension_code, entries in _entries().items():
        created += _categories_load(
            category_model, dimensions[dimension_code], entries, existing
        )
    return created


def _categories_load(category_model, dimension, entries: list[dict], existing) -> int:
    by_code = {}
    new, changed = [], []
    for order, entry in enumerate(entries):
        # A place name with no English form (a county) has no English name.
        english = entry.get("name_en") or ""
        fields = {
            "name_nb": entry["name"],
            "name_en": "" if english == entry["name"] else english,
            "level": entry.get("level") or "",
            "order": order,
        }
        row = existing.get((dimension.pk, entry["code"]))
        if row is None:
            row = category_model(dimension=dimension, code=entry["code"], **fields)
            new.append((row, entry.get("parent")))
        elif any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            changed.append(row)
        by_code[entry["code"]] = row
    # Saved level by level, so that each parent has its key first.
    for level in LEVELS:
        batch = [row for row, _parent in new if row.level == level]
        for row, parent in new:
            if row.level == level and parent:
                row.parent = by_code[parent]
        category_model.objects.bulk_create(batch)
    if changed:
        category_model.objects.bulk_update(
            changed, ["name_nb", "name_en", "level", "order"]
        )
    return len(new)
