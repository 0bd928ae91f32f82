"""CSV/XLSX import: a dry run lists every row; committing is all or nothing."""

import codecs
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from indicators.imports import (
    file_check,
    import_check,
    import_commit,
    value_import_commit_request,
    value_import_create,
)
from indicators.models import ImportStatus, IndicatorValue, ValueImport
from tests.factories import GoalFactory, IndicatorFactory, IndicatorValueFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def indicators():
    goal = GoalFactory()
    return {
        "A": IndicatorFactory(code="A", goal=goal, unit="percent"),
        "B": IndicatorFactory(code="B", goal=goal, unit="count"),
        "Q": IndicatorFactory(code="Q", goal=goal, unit="count", frequency="quarterly"),
    }


def outcomes(content: bytes, **kwargs) -> list:
    result = file_check(content, **kwargs)
    return result.file_errors or [(row[0], row[4], row[5]) for row in result.report]


def run_import(content: bytes, user, comment="") -> ValueImport:
    """Upload, check and commit as the tasks would, without the broker."""
    job = ValueImport.objects.create(
        filename="f.csv", content=content, comment=comment, created_by=user
    )
    import_check(job_id=job.pk)
    job.refresh_from_db()
    if value_import_commit_request(job=job, user=user):
        import_commit(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_plain_utf8_csv_with_commas(indicators):
    content = b"indicator,period,value\nA,2023,57.5\nB,2024,1200\nQ,2024-Q3,3\n"
    assert outcomes(content) == [(2, "new", ""), (3, "new", ""), (4, "new", "")]


def test_bom_semicolons_decimal_comma_and_norwegian_header(indicators):
    text = "Indikator;Periode;Verdi;Kommentar\nA;2023;57,5;første\nB;2024;1 234,5;\n"
    content = codecs.BOM_UTF8 + text.encode("utf-8")
    result = file_check(content)
    assert [row[4] for row in result.report] == ["new", "new"]
    assert [item.value for item in result.items] == [Decimal("57.5"), Decimal("1234.5")]
    assert result.items[0].comment == "første"


def test_windows_1252_file(indicators):
    content = "indikator;periode;verdi;kommentar\nA;2023;57,5;målt på ny måte\n"
    result = file_check(content.encode("cp1252"))
    assert result.items[0].comment == "målt på ny måte"


def test_wrong_encoding_is_a_file_error(indicators, secretariat):
    content = "indicator;period;value\nA;2023;5\n".encode("utf-16")
    assert "UTF-16" in outcomes(content)[0]
    job = run_import(content, secretariat)
    assert job.status == ImportStatus.INVALID
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"indicator;period;value\n", "no data rows"),
        (b"kode;aar;tall\nA;2023;5\n", "missing: period, value"),
        (b"PK\x03\x04garbage", "not a readable XLSX"),
    ],
)
def test_unreadable_files_say_why(indicators, content, message):
    (error,) = outcomes(content)
    assert message in error


def test_a_20_mb_file_is_refused(indicators):
    content = b"indicator;period;value\n" + b"A;2023;5\n" * (20 * 1024 * 1024 // 9)
    (error,) = outcomes(content)
    assert "larger than 10 MB" in error


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (b"A,2023,5", "wrong number of columns (1,"),  # mixed separators
        (b"A;2023;57,5;x;y", "wrong number of columns (5,"),
        (b"NOPE;2023;5", "Unknown indicator code"),
        (b"A;2023-Q1;5", "quarterly period but the indicator is reported annual"),
        (b"Q;2024;5", "annual period but the indicator is reported quarterly"),
        (b"A;2099;5", "future"),
        (b"A;2023;abc", "not a number"),
        (b"A;2023;101", "between 0 and 100"),
        (b'A;2023;=HYPERLINK("http://evil","x")', "formula"),
        (b"A;2023;5;=1+2", "formula"),
        (b"@SUM(A1);2023;5", "formula"),
        (b"A;2023;5;-1", "formula"),
        (b"A;2023;@5", "formula"),
        (b"A;2023;5; =1+1", "formula"),
        (b'A;2023;5;"\n=1+1"', "formula"),
        ("A;2023;5;\u00a0=1+1".encode(), "formula"),
        (b" =HYPERLINK(1);2023;5", "formula"),
    ],
)
def test_bad_rows_give_row_level_errors(indicators, row, message):
    content = b"indicator;period;value;comment\nB;2023;1;\n" + row + b"\n"
    report = outcomes(content)
    assert report[0] == (2, "new", "")
    number, outcome, reason = report[1]
    assert (number, outcome) == (3, "error")
    assert message in reason


def test_negative_values_are_numbers_not_formulas(indicators):
    result = file_check(b"indicator;period;value\nB;2023;-5,5\nB;2022;+3\n")
    assert [item.value for item in result.items] == [Decimal("-5.5"), Decimal(3)]


def test_decimal_comma_with_comma_separator_must_be_quoted(indicators):
    report = outcomes(b'indicator,period,value\nA,2023,"57,5"\nB,2023,12,5\n')
    assert report[0] == (2, "new", "")
    assert report[1][1] == "error" and "columns (4," in report[1][2]


def test_each_row_s_period_is_read_for_its_own_indicator(indicators):
    content = b"indicator;period;value\nB;2023;5\nQ;2023;5\nQ;2023-Q1;5\nB;2023-Q1;5\n"
    report = outcomes(content)
    assert [outcome for _row, outcome, _reason in report] == [
        "new",
        "error",
        "new",
        "error",
    ]
    assert "annual period but the indicator is reported quarterly" in report[1][2]


def test_duplicate_periods_in_one_file(indicators):
    report = outcomes(b"indicator;period;value\nA;2023;5\nB;2023;5\nA;2023;6\n")
    assert report[2] == (
        4,
        "error",
        "The same indicator and period already appear in row 2.",
    )


def test_revisions_and_unchanged_rows_are_told_apart(indicators):
    IndicatorValueFactory(
        indicator=indicators["A"],
        period_start=timezone.datetime(2023, 1, 1).date(),
        value=Decimal("5"),
        status="approved",
        approved_at=timezone.now(),
    )
    IndicatorValueFactory(
        indicator=indicators["B"],
        period_start=timezone.datetime(2023, 1, 1).date(),
        value=Decimal("7"),
    )
    content = b"indicator;period;value\nA;2023;5,0\nB;2023;8\n"
    report = outcomes(content)
    assert report[0] == (2, "unchanged", "")
    assert report[1][1] == "error" and "comment" in report[1][2]
    assert [r[1] for r in outcomes(content, comment="SSB revised")] == [
        "unchanged",
        "revision",
    ]


def test_xlsx_with_numbers_and_a_formula(indicators):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Indikator", "Periode", "Verdi"])
    sheet.append(["A", 2023, 57.5])
    sheet.append(["B", "2024", 1200])
    sheet.append(["B", 2023, '=HYPERLINK("http://evil","x")'])
    out = io.BytesIO()
    workbook.save(out)
    report = outcomes(out.getvalue())
    assert [r[1] for r in report] == ["new", "new", "error"]
    assert "formula" in report[2][2]


def test_commit_writes_submitted_values_with_the_importer(indicators, secretariat):
    job = run_import(b"indicator;period;value\nA;2023;57,5\nB;2024;3\n", secretariat)
    assert job.status == ImportStatus.COMMITTED
    assert job.counts == {"new": 2}
    values = IndicatorValue.objects.all()
    assert {(v.status, v.source, v.entered_by) for v in values} == {
        ("submitted", "import", secretariat)
    }
    assert all(v.history.get().history_user == secretariat for v in values)


def test_a_file_with_one_bad_row_writes_nothing(indicators, secretariat):
    job = run_import(b"indicator;period;value\nA;2023;5\nNOPE;2023;5\n", secretariat)
    assert job.status == ImportStatus.INVALID
    assert not value_import_commit_request(job=job, user=secretariat)
    assert not IndicatorValue.objects.exists()


def test_commit_checks_again_and_writes_nothing_if_the_data_changed(
    indicators, secretariat
):
    job = ValueImport.objects.create(
        filename="f.csv",
        content=b"indicator;period;value\nA;2023;5\nB;2023;6\n",
        created_by=secretariat,
    )
    import_check(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    # Meanwhile someone enters B 2023; the file's row is now an uncommented fix.
    IndicatorValueFactory(
        indicator=indicators["B"], period_start=timezone.datetime(2023, 1, 1).date()
    )
    assert value_import_commit_request(job=job, user=secretariat)
    import_commit(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert IndicatorValue.objects.count() == 1
    import_commit(job_id=job.pk)  # running the task twice changes nothing
    assert IndicatorValue.objects.count() == 1


# --- Pages ---------------------------------------------------------------------


def upload(client, content, name="values.csv", **extra):
    return client.post(
        reverse("indicators:import_new"),
        {"file": SimpleUploadedFile(name, content), **extra},
    )


def test_upload_preview_and_commit_through_the_pages(
    client, indicators, secretariat, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, b"indicator;period;value\nA;2023;5\n")
    job = ValueImport.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == job.get_absolute_url()
    )
    page = client.get(job.get_absolute_url())
    assert "Save all values" in page.content.decode()
    assert [row[4] for row in page.context["page"]] == ["new"]
    progress = client.get(reverse("indicators:import_progress", args=[job.pk])).json()
    assert progress["status"] == "checked" and progress["percent"] == 100
    assert not IndicatorValue.objects.exists()  # the preview wrote nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("indicators:import_commit", args=[job.pk]))
    assert IndicatorValue.objects.get().source == "import"


def test_running_import_page_polls_its_progress(client, indicators, secretariat):
    job = ValueImport.objects.create(
        filename="big.csv", content=b"", created_by=secretariat, total_rows=10
    )
    client.force_login(secretariat)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "<progress" in html and "js/import_progress.js" in html


def test_upload_errors_are_shown_on_the_field(client, secretariat):
    client.force_login(secretariat)
    response = upload(client, b"x", name="values.pdf")
    assert response.status_code == 400
    assert "id_file_error" in response.content.decode()
    response = client.post(reverse("indicators:import_new"), {})
    assert response.status_code == 400
    assert not ValueImport.objects.exists()


def test_someone_elses_import_is_404(client, secretariat, indicators):
    job = value_import_create(
        user=secretariat, filename="f.csv", content=b"indicator;period;value\n"
    )
    other = type(secretariat).objects.create(username="other")
    other.groups.set(secretariat.groups.all())
    client.force_login(other)
    assert client.get(job.get_absolute_url()).status_code == 404
    url = reverse("indicators:import_commit", args=[job.pk])
    assert client.post(url).status_code == 404


def test_council_member_cannot_import(client, council_member):
    client.force_login(council_member)
    assert upload(client, b"indicator;period;value\n").status_code == 403


def big_file(indicator_count: int, periods: int) -> bytes:
    """``indicator_count * periods`` rows of monthly values, decimal comma."""
    lines = ["indikator;periode;verdi"]
    for i in range(indicator_count):
        for m in range(periods):
            lines.append(f"K{i};{2005 + m // 12}-{m % 12 + 1:02d};{m},5")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.real_services
def test_100000_rows_import_through_the_tasks_with_progress(
    client, secretariat, monkeypatch, django_capture_on_commit_callbacks
):
    from indicators import imports

    goal = GoalFactory()
    for i in range(400):
        IndicatorFactory(code=f"K{i}", goal=goal, unit="count", frequency="monthly")
    seen = []
    original = imports._job_progress

    def spy(job_id):
        report = original(job_id)

        def record(done, total):
            report(done, total)
            seen.append(ValueImport.objects.get(pk=job_id).percent_done)

        return record

    monkeypatch.setattr(imports, "_job_progress", spy)
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, big_file(400, 250))
    job = ValueImport.objects.get()
    assert job.status == ImportStatus.CHECKED, job.file_errors
    assert job.counts == {"new": 100_000}
    assert seen == sorted(seen) and seen[0] < 100 and seen[-1] == 100
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("indicators:import_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.COMMITTED
    assert IndicatorValue.objects.filter(source="import").count() == 100_000
    assert IndicatorValue.history.count() == 100_000
    # The COPY path writes the same audit rows as simple_history would.
    assert set(
        IndicatorValue.history.values_list("history_type", "history_user_id")
    ) == {("+", secretariat.pk)}


@pytest.mark.real_services
def test_a_real_worker_imports_100000_rows_while_the_page_polls(
    client,
    secretariat,
    real_worker,
):
    """The tasks run in a real worker; the page's progress URL sees them move."""
    import time

    goal = GoalFactory()
    for i in range(400):
        IndicatorFactory(code=f"K{i}", goal=goal, unit="count", frequency="monthly")
    client.force_login(secretariat)
    upload(client, big_file(400, 250))
    job = ValueImport.objects.get()
    progress_url = reverse("indicators:import_progress", args=[job.pk])

    def poll_until(status):
        seen, deadline = [], time.monotonic() + 180
        while time.monotonic() < deadline:
            state = client.get(progress_url).json()
            seen.append(state["percent"])
            if state["status"] == status:
                return seen
            assert state["status"] not in ("invalid", "failed"), state
            assert real_worker.poll() is None, real_worker.stdout.read().decode()
            time.sleep(0.2)
        raise AssertionError(f"no {status} after 180 s: {seen[-5:]}")

    seen = poll_until("checked")
    assert seen[-1] == 100 and any(0 < p < 100 for p in seen), seen
    client.post(reverse("indicators:import_commit", args=[job.pk]))
    poll_until("committed")
    assert IndicatorValue.objects.filter(source="import").count() == 100_000


def test_a_long_report_is_paged_and_filtered(
    client, indicators, secretariat, monkeypatch
):
    from indicators import views

    monkeypatch.setattr(views, "REPORT_PAGE", 2)
    client.force_login(secretariat)
    job = run_import(
        b"indicator;period;value\nA;2021;1\nA;2022;2\nNOPE;2023;3\n", secretariat
    )
    first = client.get(job.get_absolute_url())
    assert [row[0] for row in first.context["page"]] == [2, 3]
    second = client.get(job.get_absolute_url(), {"page": 2})
    assert [row[0] for row in second.context["page"]] == [4]
    errors = client.get(job.get_absolute_url(), {"errors": 1})
    assert [row[4] for row in errors.context["page"]] == ["error"]


def test_a_20_mb_upload_is_refused_on_the_form(client, secretariat):
    client.force_login(secretariat)
    response = upload(client, b"indicator;period;value\n" + b"A;2023;5\n" * 2_400_000)
    assert response.status_code == 400
    assert "larger than 10 MB" in " ".join(response.context["form"].errors["file"])
    assert not ValueImport.objects.exists()


# --- The reading budget --------------------------------------------------------


def test_a_file_named_xlsx_that_is_not_one_says_so(indicators):
    content = b"indicator;period;value\nA;2023;5\n"
    (error,) = outcomes(content, filename="values.xlsx")
    assert "not an Excel file" in error
    assert outcomes(content, filename="values.csv") == [(2, "new", "")]


def test_the_upload_form_refuses_a_file_named_xlsx_that_is_not_one(client, secretariat):
    client.force_login(secretariat)
    response = upload(client, b"indicator;period;value\nA;2023;5\n", "v.xlsx")
    assert response.status_code == 400
    assert "not an Excel file" in " ".join(response.context["form"].errors["file"])
    assert not ValueImport.objects.exists()


def test_a_zip_that_is_no_workbook_says_so(indicators):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    (error,) = outcomes(out.getvalue(), filename="values.xlsx")
    assert "not an Excel workbook" in error


def test_a_workbook_is_refused_by_its_declared_size_before_it_is_unpacked(
    indicators, monkeypatch
):
    from indicators import import_files
    from tests.xlsx_files import rows_xlsx

    monkeypatch.setattr(import_files, "XLSX_MAX_SHEET", 10_000)
    opened = []
    monkeypatch.setattr(
        "openpyxl.load_workbook", lambda *a, **k: opened.append(1) or 1 / 0
    )
    (error,) = outcomes(rows_xlsx(1_000))
    assert "unpacks to more than" in error
    assert not opened  # refused from the ZIP's directory alone


def test_rows_beyond_the_budget_stop_the_reading_of_an_xlsx(indicators, monkeypatch):
    from indicators import import_files
    from tests.xlsx_files import rows_xlsx

    monkeypatch.setattr(import_files, "MAX_ROWS", 50)
    cells = []
    original = import_files._xlsx_cell
    monkeypatch.setattr(
        import_files, "_xlsx_cell", lambda c: cells.append(1) or original(c)
    )
    (error,) = outcomes(rows_xlsx(100_000))
    assert "more than 50 rows" in error
    assert len(cells) <= 52 * 3  # the header and 51 rows, not 100,000


def test_rows_beyond_the_budget_stop_the_reading_of_a_csv(indicators, monkeypatch):
    from indicators import import_files

    monkeypatch.setattr(import_files, "MAX_ROWS", 50)
    read = []
    original = import_files._csv_rows

    def counting(text):
        for row in original(text):
            read.append(row)
            yield row

    monkeypatch.setattr(import_files, "_csv_rows", counting)
    (error,) = outcomes(b"indicator;period;value\n" + b"A;2023;5\n" * 100_000)
    assert "more than 50 rows" in error
    assert len(read) == 52


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_row_wider_than_the_budget_is_refused(indicators, fmt):
    from tests.xlsx_files import number_cell, rows_xlsx

    if fmt == "csv":
        content = b"indicator;period;value\nA;2023;5" + b";x" * 60 + b"\n"
    else:  # one cell at column XFD: openpyxl would pad the row to 16,384 cells
        row = '<row><c r="A2"><v>1</v></c><c r="XFD2"><v>1</v></c></row>'
        content = rows_xlsx(1, row_xml=row)
    (error,) = outcomes(content)
    assert "Row 2 has more than 50 columns" in error
    assert number_cell(1) == "<c><v>1</v></c>"


def test_cells_beyond_the_budget_are_refused(indicators, monkeypatch):
    from indicators import import_files

    monkeypatch.setattr(import_files, "MAX_CELLS", 100)
    (error,) = outcomes(b"indicator;period;value\n" + b"A;2023;5\n" * 40)
    assert "more than 100 filled cells" in error


@pytest.mark.parametrize(
    "sheet",
    [
        # Cut off after the dimension openpyxl reads when it opens the file.
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        'main"><dimension ref="A1:C2"/><sheetData><row><c><v>1',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        'main"><sheetData><row><c t="inlineStr"><is><t>&b;</t></is></c></row>'
        "</sheetData></worksheet>",  # entities: defusedxml refuses them
    ],
)
def test_a_malformed_sheet_is_a_clear_file_error(indicators, secretariat, sheet):
    from tests.xlsx_files import rows_xlsx

    content = rows_xlsx(0, sheet=sheet)
    (error,) = outcomes(content)
    assert "cannot be read" in error or "not a readable XLSX" in error
    job = run_import(content, secretariat)
    assert job.status == ImportStatus.INVALID


def test_xlsx_is_read_through_defusedxml_in_production_too():
    from pathlib import Path

    from indicators.apps import xlsx_reading_is_defused

    assert xlsx_reading_is_defused(None) == []
    lock = Path(__file__).resolve().parents[2] / "requirements.lock"
    assert "defusedxml==" in lock.read_text()


def test_an_import_step_delivered_too_often_is_given_up(indicators, secretariat):
    from indicators.imports import MAX_DELIVERIES, import_delivery_count
    from indicators.tasks import value_import_check_task

    job = ValueImport.objects.create(
        filename="v.csv",
        content=b"indicator;period;value\nA;2023;5\n",
        created_by=secretariat,
        status=ImportStatus.CHECKING,
        language="en",  # the task writes in the uploader's language
    )
    for _ in range(MAX_DELIVERIES):
        assert import_delivery_count(job_id=job.pk)
    # The worker died each time; the next delivery gives the job up.
    value_import_check_task.delay(job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "stopped 3 times" in job.file_errors[0]
    assert not job.report


def test_a_requested_commit_starts_its_deliveries_afresh(indicators, secretariat):
    job = run_import(b"indicator;period;value\nA;2023;5\n", secretariat)
    assert job.status == ImportStatus.COMMITTED
    assert job.deliveries == 0  # counted by the tasks, reset by the request


# --- The preview table ---------------------------------------------------------


def preview_html(client, user, content, name="values.csv", language="nb") -> str:
    job = value_import_create(user=user, filename=name, content=content)
    import_check(job_id=job.pk)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(job.get_absolute_url()).content.decode()


def test_the_preview_shows_the_official_value_and_keeps_the_decimal_comma(
    client, indicators, secretariat
):
    IndicatorValueFactory(
        indicator=indicators["A"],
        period_start=timezone.datetime(2023, 1, 1).date(),
        value=Decimal("64.5"),
        status="approved",
        approved_at=timezone.now(),
    )
    # 2023 is a revision without a comment: refused, its value still "78,9".
    html = preview_html(client, secretariat, b"indicator;period;value\nA;2023;78,9\n")
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    assert "78,9" in row and "78.9" not in row
    assert "64,5" in row  # the official value now, next to the one refused
    assert '<span class="ds-tag outcome-tag badge-warn">feil</span>' in row
    assert '<td class="nowrap">A</td>' in row  # a code never wraps


def test_the_preview_shows_no_official_value_for_a_new_period(
    client, indicators, secretariat
):
    html = preview_html(client, secretariat, b"indicator;period;value\nB;2022;7\n")
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    assert '<td class="nowrap">–</td>' in row
    assert "outcome-tag-new" in row


def test_the_preview_says_a_false_xlsx_is_not_an_excel_file(
    client, indicators, secretariat
):
    content = b"indicator;period;value\nA;2023;5\n"
    html = preview_html(client, secretariat, content, "v.xlsx", language="en")
    assert "not an Excel file" in html and "no data rows" not in html
