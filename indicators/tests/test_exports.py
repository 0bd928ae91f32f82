"""Export of values as CSV and XLSX, escaped against formula injection."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.spreadsheet import cell_escape
from indicators.imports import file_check
from tests.factories import GoalFactory, IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db
EXPORT = reverse("indicators:export")


@pytest.fixture
def values(secretariat, approver):
    goal = GoalFactory(code="M2")
    indicator = IndicatorFactory(code="EXP-1", goal=goal, unit="count")
    old = IndicatorValueFactory(
        indicator=indicator,
        value=Decimal("-5.5"),
        status="approved",
        approved_at=timezone.now(),
        superseded_at=timezone.now(),
        entered_by=secretariat,
        approved_by=approver,
        comment='=HYPERLINK("http://evil","x")',
    )
    IndicatorValueFactory(
        indicator=indicator,
        value=Decimal("1234.5"),
        supersedes=old,
        comment="@fix",
        entered_by=secretariat,
    )
    IndicatorFactory(code="OTHER", goal=GoalFactory(code="M3"))
    return indicator


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-x", "'-x"),
        ("@a", "'@a"),
        ("ok", "ok"),
        (" =1+1", "' =1+1"),  # stored before the guard looked past blanks
        ("\u00a0=1+1", "'\u00a0=1+1"),
        ("\n@a", "'\n@a"),
        (" ok", " ok"),
    ],
)
def test_cells_that_start_a_formula_are_escaped(text, escaped):
    assert cell_escape(text) == escaped


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_csv_export_per_indicator_is_current_values_only(
    client, council_member, values
):
    client.force_login(council_member)
    response = client.get(EXPORT, {"indicator": "EXP-1"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="values-EXP-1.csv"'
    rows = read_csv(response)
    assert rows[0][:5] == ["indicator", "period", "value", "status", "official"]
    assert [r[:5] for r in rows[1:]] == [["EXP-1", "2024", "1234,5", "submitted", "no"]]
    assert rows[1][5] == "'@fix"


def test_csv_export_with_history_escapes_every_text_cell(
    client, council_member, values
):
    client.force_login(council_member)
    rows = read_csv(client.get(EXPORT, {"goal": "M2", "history": "1"}))
    assert len(rows) == 3
    old = rows[1]
    assert old[2] == "-5,5"  # a negative number stays a number
    assert old[5] == '\'=HYPERLINK("http://evil","x")'
    assert old[11]  # superseded_at
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_xlsx_export(client, council_member, values):
    client.force_login(council_member)
    response = client.get(EXPORT, {"goal": "M2", "history": "1", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][2] == Decimal("-5.5") or rows[1][2] == -5.5
    assert rows[1][5].startswith("'=")
    assert sheet.cell(row=2, column=6).data_type == "s"


def test_an_export_can_be_imported_again(client, council_member, values):
    client.force_login(council_member)
    content = client.get(EXPORT, {"indicator": "EXP-1"}).content
    result = file_check(content, comment="round trip")
    assert result.file_errors == []
    # Re-importing an export changes nothing.
    assert [row[4] for row in result.report] == ["unchanged"]


def test_unknown_indicator_or_goal_is_404(client, council_member, values):
    client.force_login(council_member)
    assert client.get(EXPORT, {"indicator": "NOPE"}).status_code == 404


def test_export_query_count_does_not_grow(
    client, council_member, values, django_assert_max_num_queries
):
    client.force_login(council_member)
    with django_assert_max_num_queries(10):
        client.get(EXPORT, {"goal": "M2", "history": "1"})
    for year in range(2010, 2020):
        IndicatorValueFactory(indicator=values, period_start=f"{year}-01-01")
    with django_assert_max_num_queries(10):
        client.get(EXPORT, {"goal": "M2", "history": "1"})
