"""Importing roadmap versions into the database: all or nothing, by delivery ID."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from initiatives.models import Delivery, DeliveryChange, Initiative, RoadmapImport
from initiatives.roadmap import RoadmapFileError
from initiatives.services import roadmap_import
from initiatives.tests.helpers import (
    NEW_VERSION,
    REAL_FILE,
    as_version,
    edited_copy,
    read_rows,
    write_rows,
)


def summary(changes) -> list[tuple]:
    return [(c.roadmap_id, c.kind, c.field, c.old, c.new) for c in changes]


def test_the_real_file_gives_263_deliveries_under_the_54_initiatives(
    imported_roadmap,
):
    assert Delivery.objects.count() == 263
    assert Initiative.objects.filter(deliveries__isnull=False).distinct().count() == 54
    assert imported_roadmap.counts["added"] == 263
    record = RoadmapImport.objects.get()
    assert (record.version, record.delivery_count) == ("2026-08", 263)
    assert DeliveryChange.objects.filter(kind="added").count() == 263
    assert Delivery.history.count() == 263
    assert set(Delivery.objects.values_list("version", flat=True)) == {"2026-08"}
    delivery = Delivery.objects.get(roadmap_id="56876000020107081")
    assert delivery.phase == "Innføring"
    assert delivery.sub_goal.code == "1A"
    assert delivery.description.startswith("Innbygger har i dag mulig")
    assert Delivery.objects.filter(phase="Tilpasning - innføring").count() == 28
    assert Delivery.objects.filter(phase="").count() == 3
    # Three end before they start in the published list: kept, and flagged.
    assert Delivery.objects.filter(end_before_start_as_published=True).count() == 3


def test_importing_the_same_file_twice_changes_nothing(imported_roadmap, roadmap_text):
    history = Delivery.history.count()
    again = roadmap_import(content=roadmap_text, version="2026-08")
    assert again.changes == []
    assert again.roadmap_import is None
    assert RoadmapImport.objects.count() == 1
    assert DeliveryChange.objects.count() == 263
    assert Delivery.history.count() == history


def test_a_dry_run_writes_nothing(real_strategy, roadmap_text):
    preview = roadmap_import(content=roadmap_text, version="2026-08", dry_run=True)
    assert preview.counts["added"] == 263
    assert Delivery.objects.count() == 0
    assert RoadmapImport.objects.count() == 0


def test_an_edited_copy_gives_exactly_those_changes(imported_roadmap, roadmap_text):
    text, ids = edited_copy(roadmap_text)
    preview = roadmap_import(content=text, version=NEW_VERSION, dry_run=True)
    expected = [
        (ids["moved"], "changed", "phase", "Innføring", "I bruk"),
        (ids["dated"], "changed", "start_date", "2026-07-01", "2026-09-01"),
        ("99999999999999999", "added", "", "", ""),
        (ids["removed"], "removed", "", "", ""),
    ]
    assert summary(preview.changes) == expected
    assert Delivery.objects.get(roadmap_id=ids["moved"]).phase == "Innføring"

    result = roadmap_import(content=text, version=NEW_VERSION, user=None)
    assert summary(result.changes) == expected
    record = result.roadmap_import
    stored = record.changes.select_related("delivery").order_by("id")
    assert [
        (c.delivery.roadmap_id, c.kind, c.field, c.old_value, c.new_value)
        for c in stored
    ] == expected
    moved = Delivery.objects.get(roadmap_id=ids["moved"])
    assert (moved.phase, moved.version) == ("I bruk", NEW_VERSION)
    assert Delivery.objects.get(roadmap_id=ids["dated"]).start_date == dt.date(
        2026, 9, 1
    )
    removed = Delivery.objects.get(roadmap_id=ids["removed"])
    assert (removed.removed_in_version, removed.version) == (NEW_VERSION, "2026-08")
    assert Delivery.objects.count() == 264
    assert Delivery.objects.filter(version=NEW_VERSION).count() == 263
    assert moved.history.first().history_change_reason == f"roadmap {NEW_VERSION}"
    assert moved.history.first().prev_record.phase == "Innføring"

    # The same edited copy again: nothing more.
    again = roadmap_import(content=text, version=NEW_VERSION)
    assert again.changes == [] and again.roadmap_import is None


def test_a_delivery_back_in_a_later_version_is_restored(imported_roadmap, roadmap_text):
    text, ids = edited_copy(roadmap_text)
    roadmap_import(content=text, version=NEW_VERSION)
    original_as_later = as_version(roadmap_text, "2027-02")
    result = roadmap_import(content=original_as_later, version="2027-02")
    kinds = {(c.roadmap_id, c.kind) for c in result.changes}
    assert (ids["removed"], "restored") in kinds
    assert ("99999999999999999", "removed") in kinds
    assert Delivery.objects.get(roadmap_id=ids["removed"]).removed_in_version == ""


def test_text_changes_are_recorded_with_old_and_new_text(
    imported_roadmap, roadmap_text
):
    rows = read_rows(roadmap_text)
    rows[1][1] = "Ny beskrivelse\nover to linjer"
    rows[1][7] = "Tentativ"
    result = roadmap_import(content=write_rows(rows), version="2026-08")
    assert [(c.field, c.new) for c in result.changes] == [
        ("description", "Ny beskrivelse\nover to linjer"),
        ("planning_status", "Tentativ"),
    ]


def test_an_older_version_is_refused(imported_roadmap, roadmap_text):
    with pytest.raises(RoadmapFileError, match="older than the imported version"):
        roadmap_import(content=as_version(roadmap_text, "2026-04"), version="2026-04")


def test_one_bad_row_leaves_everything_as_it_was(imported_roadmap, roadmap_text):
    text, _ = edited_copy(roadmap_text)
    rows = read_rows(text)
    rows[200][6] = "31.02.2026"
    with pytest.raises(RoadmapFileError) as caught:
        roadmap_import(content=write_rows(rows), version=NEW_VERSION)
    assert [p.row for p in caught.value.problems] == [201]
    assert RoadmapImport.objects.count() == 1
    assert not Delivery.objects.filter(version=NEW_VERSION).exists()


def test_a_commit_refuses_when_the_previewed_changes_are_stale(
    imported_roadmap, roadmap_text
):
    text, _ = edited_copy(roadmap_text)
    preview = roadmap_import(content=text, version=NEW_VERSION, dry_run=True)
    Delivery.objects.filter(roadmap_id="56876000020107079").update(name="Endret")
    with pytest.raises(RoadmapFileError, match="changed since the preview"):
        roadmap_import(
            content=text, version=NEW_VERSION, expected_fingerprint=preview.fingerprint
        )
    assert RoadmapImport.objects.count() == 1


def test_a_new_version_without_changes_is_recorded(imported_roadmap, roadmap_text):
    result = roadmap_import(
        content=as_version(roadmap_text, "2027-01"), version="2027-01"
    )
    assert result.changes == []
    assert result.roadmap_import.version == "2027-01"
    assert set(Delivery.objects.values_list("version", flat=True)) == {"2027-01"}


def test_the_command_imports_and_reports(real_strategy, capsys):
    call_command("import_roadmap", str(REAL_FILE), "--version", "2026-08", "--dry-run")
    assert "Dry run: nothing was written." in capsys.readouterr().out
    assert Delivery.objects.count() == 0

    call_command("import_roadmap", str(REAL_FILE), "--version", "2026-08")
    out = capsys.readouterr().out
    assert "263 deliveries in the file; 263 added" in out
    assert "Warning: Row 126 (line 324)" in out
    assert Delivery.objects.count() == 263

    call_command("import_roadmap", str(REAL_FILE), "--version", "2026-08")
    assert "Nothing to change." in capsys.readouterr().out


def test_the_command_refuses_a_bad_file_with_row_numbers(real_strategy, tmp_path):
    bad = tmp_path / "bad.csv"
    rows = read_rows(REAL_FILE.read_text(encoding="utf-8"))
    rows[10][4] = "9Z - Ukjent"
    rows[20][8] = rows[11][8]
    bad.write_text(write_rows(rows), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_roadmap", str(bad), "--version", "2026-08")
    message = str(caught.value)
    assert message.startswith("Nothing was imported.")
    assert "Row 11 (line " in message and "Unknown sub-goal 9Z." in message
    assert "is also on row 12." in message
    assert Delivery.objects.count() == 0

    with pytest.raises(CommandError, match="No such file"):
        call_command(
            "import_roadmap", str(tmp_path / "missing.csv"), "--version", "2026-08"
        )
