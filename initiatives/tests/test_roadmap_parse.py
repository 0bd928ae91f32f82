"""Reading and checking a roadmap list, without a database."""

import datetime as dt

import pytest

from initiatives.roadmap import (
    RoadmapFileError,
    decode_roadmap,
    parse_roadmap,
    roadmap_diff,
)
from initiatives.tests.helpers import read_rows, write_rows
from strategy.seed import read_seed

SEED = read_seed()
SUB_GOALS = {s.code for g in SEED.goals for s in g.sub_goals}
INITIATIVES = {i.name_nb for g in SEED.goals for i in g.initiatives}
HEADER = (
    "Leveransenavn i veikartet;Beskrivelse av leveranse gant;Veikartfase;Startdato;"
    "Strategisk delmål;Strategi gruppering;Sluttdato;Planleggingsstatus;"
    "Leveranse-ID;Versjon"
)
GROUPING = "Fullmakt, representasjon og tilgangsbegrensning gjennom Helsenorge"
SUB_GOAL = "1A - Innbygger skal ha mulighet for å administrere behandlingsforløp"


def row(**values) -> str:
    fields = {
        "name": "Fullmakter Helsenorge",
        "description": "Beskrivelse",
        "phase": "Innføring",
        "start": "",
        "sub_goal": SUB_GOAL,
        "initiative": GROUPING,
        "end": "",
        "status": "Planlagt",
        "id": "56876000020107079",
        "version": "2026-08",
    }
    fields.update(values)
    return ";".join(fields.values())


def parse(*rows: str, version: str = "2026-08"):
    text = "\n".join([HEADER, *rows]) + "\n"
    return parse_roadmap(
        text, version=version, sub_goal_codes=SUB_GOALS, initiative_names=INITIATIVES
    )


def problems(*rows: str, **kwargs) -> list[str]:
    with pytest.raises(RoadmapFileError) as caught:
        parse(*rows, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_the_real_file_parses_to_263_deliveries(roadmap_text):
    parsed = parse_roadmap(
        roadmap_text,
        version="2026-08",
        sub_goal_codes=SUB_GOALS,
        initiative_names=INITIATIVES,
    )
    assert len(parsed.rows) == 263
    assert len({r.roadmap_id for r in parsed.rows}) == 263
    assert {r.initiative_name for r in parsed.rows} == INITIATIVES
    assert sum(1 for r in parsed.rows if r.phase == "") == 3
    assert sum(1 for r in parsed.rows if r.planning_status == "Tentativ") == 59
    assert sum(1 for r in parsed.rows if r.start_date is None) == 27
    # Three rows end before they start: kept, with a warning each.
    assert [(w.row, w.line) for w in parsed.warnings] == [
        (126, 324),
        (136, 351),
        (145, 377),
    ]
    first = parsed.rows[0]
    assert first.sub_goal_code == "1A"
    assert first.phase == "Innføring"


def test_multi_line_descriptions_and_dates_are_read():
    parsed = parse(
        row(description='"Første linje\r\nandre; linje\n"', start="01.07.2026")
    )
    (delivery,) = parsed.rows
    assert delivery.description == "Første linje\nandre; linje"
    assert delivery.start_date == dt.date(2026, 7, 1)
    assert delivery.end_date is None


def test_phases_are_kept_exactly_as_given():
    parsed = parse(row(phase="Tilpasning - innføring"), row(phase="", id="2"))
    assert [r.phase for r in parsed.rows] == ["Tilpasning - innføring", ""]


def test_a_comma_separated_file_is_refused():
    text = HEADER.replace(";", ",") + "\n" + row().replace(";", ",") + "\n"
    with pytest.raises(RoadmapFileError) as caught:
        parse_roadmap(
            text, version="2026-08", sub_goal_codes=SUB_GOALS, initiative_names=[]
        )
    assert "Row 1 (line 1): The file is not separated by semicolons" in str(
        caught.value
    )


def test_a_missing_column_is_named():
    text = HEADER.replace("Planleggingsstatus;", "") + "\n"
    with pytest.raises(RoadmapFileError) as caught:
        parse_roadmap(text, version="2026-08", sub_goal_codes=[], initiative_names=[])
    assert "Row 1 (line 1): Missing column 'Planleggingsstatus'." in str(caught.value)


def test_a_row_with_a_field_too_few_is_refused_with_its_row_number():
    short = row().rsplit(";", 1)[0]
    assert problems(row(id="1"), short) == [
        "Row 3 (line 3): Expected 10 columns, found 9. A column is missing or a "
        "separator is wrong."
    ]


def test_a_broken_quote_is_reported_with_its_row():
    found = problems(row(id="1"), row(id="2", description='"Åpen "sitat" her"'))
    assert len(found) == 1
    assert found[0].startswith("Row 3 (line 3): The file cannot be read near line 3")
    assert "quote is missing or misplaced" in found[0]


def test_a_nul_byte_is_reported_not_crashed_on():
    found = problems(row(id="1"), row(id="2", description="null\x00byte"))
    assert found == ["Row 3 (line 3): The row contains a NUL character."]


def test_an_unclosed_quote_is_reported():
    found = problems(row(id="1", description='"aldri lukket'), row(id="2"))
    assert found[0].startswith("Row 2 (line 2): ")
    assert "quot" in found[0]


def test_a_quote_that_swallows_rows_is_reported():
    found = problems(
        row(id="1", description='"lukkes for sent'),
        row(id="2", description='slutt"'),
    )
    assert found[0].startswith("Row 2 (line 2): ")


def test_unknown_sub_goal_and_initiative_are_reported_per_row():
    found = problems(
        row(id="1", sub_goal="9Z - Finnes ikke"),
        row(id="2", initiative="Fullmakt og representasjon gjennom Helsenorge"),
        row(id="3", sub_goal="Innbygger skal"),
    )
    assert found[0] == "Row 2 (line 2): Unknown sub-goal 9Z."
    assert found[1].startswith(
        "Row 3 (line 3): Unknown initiative grouping "
        "'Fullmakt og representasjon gjennom Helsenorge'. Did you mean"
    )
    assert found[2] == (
        "Row 4 (line 4): Sub-goal 'Innbygger skal' should look like '1A - title'."
    )


@pytest.mark.parametrize("value", ["31.02.2026", "2026-02-01", "1.13.2026", "i fjor"])
def test_a_date_that_does_not_exist_is_reported(value):
    assert problems(row(end=value)) == [
        f"Row 2 (line 2): Sluttdato {value!r} is not a date (dd.mm.yyyy)."
    ]


def test_a_duplicate_id_names_both_rows():
    found = problems(row(id="5"), row(id="6"), row(id="5", name="Annen"))
    assert found == ["Row 4 (line 4): Delivery ID 5 is also on row 2."]


def test_rows_with_the_same_name_and_different_ids_are_distinct():
    parsed = parse(row(id="5"), row(id="6"))
    assert [r.roadmap_id for r in parsed.rows] == ["5", "6"]


def test_row_numbers_count_rows_and_lines_separately():
    found = problems(
        row(id="1", description='"tre\nlinjer\nher"'), row(id="1", name="x")
    )
    assert found == ["Row 3 (line 5): Delivery ID 1 is also on row 2."]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"status": "Kanskje"},
            "Planning status 'Kanskje' is not Planlagt or Tentativ.",
        ),
        ({"phase": "Pilot"}, "Unknown roadmap phase 'Pilot'"),
        ({"id": "5,6876E+16"}, "Delivery ID '5,6876E+16' is not a number"),
        ({"id": ""}, "Leveranse-ID is empty."),
        ({"name": ""}, "Leveransenavn i veikartet is empty."),
        ({"version": "2026-04"}, "The row says version 2026-04"),
        ({"name": "x" * 401}, "longer than 400 characters"),
    ],
)
def test_other_bad_values_are_reported(values, message):
    (found,) = problems(row(**values))
    assert message in found


def test_every_problem_of_the_file_is_reported_at_once():
    found = problems(row(id="1", end="31.02.2026"), row(id="1", sub_goal="9Z - x"))
    assert len(found) == 3


def test_planning_status_and_grouping_are_matched_loosely():
    parsed = parse(row(status="planlagt", initiative=f"  {GROUPING.upper()} "))
    assert parsed.rows[0].planning_status == "Planlagt"
    assert parsed.rows[0].initiative_name == GROUPING


def test_blank_lines_are_skipped_and_an_empty_list_is_refused():
    assert len(parse(row(), ";;;;;;;;;", "").rows) == 1
    assert problems() == ["The file has no deliveries."]
    with pytest.raises(RoadmapFileError, match="empty"):
        parse_roadmap("", version="2026-08", sub_goal_codes=[], initiative_names=[])


def test_the_version_must_be_year_and_month():
    assert problems(row(), version="v2") == [
        "The version must look like 2026-08 (year-month)."
    ]


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(RoadmapFileError, match="not UTF-8"):
        decode_roadmap(HEADER.encode("latin-1"))
    assert decode_roadmap(b"\xef\xbb\xbf" + HEADER.encode()) == HEADER


def test_the_diff_reports_changed_fields_added_removed_and_restored(roadmap_text):
    def parsed(text):
        return parse_roadmap(
            text,
            version="2026-08",
            sub_goal_codes=SUB_GOALS,
            initiative_names=INITIATIVES,
        ).rows

    rows = read_rows(roadmap_text)
    before = {r.roadmap_id: r for r in parsed(roadmap_text)}
    assert roadmap_diff(current=before, rows=list(before.values())) == []

    rows[1][2] = "I bruk"
    del rows[2]
    changes = roadmap_diff(current=before, rows=parsed(write_rows(rows)))
    assert [(c.kind, c.field, c.old, c.new) for c in changes] == [
        ("changed", "phase", "Innføring", "I bruk"),
        ("removed", "", "", ""),
    ]
