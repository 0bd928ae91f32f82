"""Everything that holds for an indicator's value holds per series: a county's
correction, the one official value, imports and exports by region."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from indicators.imports import (
    file_check,
    import_check,
    import_commit,
    value_import_commit_request,
)
from indicators.models import (
    BreakdownDimension,
    ImportStatus,
    IndicatorValue,
    ValueImport,
)
from indicators.services import (
    ErrorCode,
    ValueInput,
    ValueRejected,
    values_approve,
    values_record,
)
from tests.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Y2023 = dt.date(2023, 1, 1)
COUNTIES = ("03", "11", "15")


@pytest.fixture
def by_county():
    """A count indicator broken down by region."""
    indicator = IndicatorFactory(code="FYLKE-1", unit="count")
    indicator.breakdowns.set([BreakdownDimension.objects.get(code="region")])
    return indicator


def record(indicator, user, values: dict[str, Decimal], comment: str = ""):
    """Record one 2023 value per county (``""``: the national figure)."""
    return values_record(
        items=[
            ValueInput(indicator, Y2023, value, comment, f"region:{c}" if c else "")
            for c, value in values.items()
        ],
        user=user,
        source="form",
    )


def approve(indicator, approver):
    pending = IndicatorValue.objects.filter(
        indicator=indicator, status="submitted", superseded_at__isnull=True
    )
    values_approve(value_ids=list(pending.values_list("pk", flat=True)), user=approver)


def series_state(breakdown: str) -> tuple[list, list]:
    """A series' rows and history rows, as stored."""
    rows = IndicatorValue.objects.filter(breakdown=breakdown).order_by("pk")
    history = IndicatorValue.history.filter(breakdown=breakdown).order_by("history_id")
    return list(rows.values()), list(history.values())


def official(indicator) -> dict[str, Decimal]:
    return dict(
        IndicatorValue.objects.filter(
            indicator=indicator, status="approved", superseded_at__isnull=True
        ).values_list("breakdown", "value")
    )


def test_a_correction_in_one_county_leaves_the_other_counties_untouched(
    by_county, secretariat, approver
):
    record(by_county, secretariat, {c: Decimal(i + 1) for i, c in enumerate(COUNTIES)})
    approve(by_county, approver)
    before = {c: series_state(f"region:{c}") for c in ("03", "15")}
    old = IndicatorValue.objects.get(breakdown="region:11")

    with pytest.raises(ValueRejected) as refused:
        record(by_county, secretariat, {"11": Decimal("2.5")})
    assert refused.value.has(ErrorCode.NEEDS_COMMENT)
    planned = record(by_county, secretariat, {"11": Decimal("2.5")}, "SSB rettet")
    assert [p.outcome for p in planned] == ["revised"]
    approve(by_county, approver)

    assert official(by_county) == {
        "region:03": Decimal(1),
        "region:11": Decimal("2.5"),
        "region:15": Decimal(3),
    }
    corrected = IndicatorValue.objects.get(breakdown="region:11", superseded_at=None)
    assert (corrected.supersedes_id, corrected.comment) == (old.pk, "SSB rettet")
    old.refresh_from_db()
    assert old.status == "approved" and old.superseded_at is not None
    # The other counties: not a field nor a history row changed.
    assert {c: series_state(f"region:{c}") for c in ("03", "15")} == before
    reasons = list(
        IndicatorValue.history.filter(breakdown="region:11")
        .order_by("history_id")
        .values_list("history_change_reason", flat=True)
    )
    assert reasons == [
        "form",
        "approved",
        "form",
        "superseded by an approved correction",
        "approved",
    ]


def approved_row(indicator, breakdown: str):
    return IndicatorValue.objects.create(
        indicator=indicator,
        period_start=Y2023,
        granularity="annual",
        breakdown=breakdown,
        value=Decimal(1),
        status="approved",
        source="form",
        entered_at=timezone.now(),
        approved_at=timezone.now(),
    )


def test_the_database_keeps_one_official_value_per_series(by_county):
    for breakdown in ("", "region:03", "region:11"):
        approved_row(by_county, breakdown)  # different series: all fine
    with pytest.raises(IntegrityError), transaction.atomic():
        approved_row(by_county, "region:03")
    with pytest.raises(IntegrityError), transaction.atomic():
        approved_row(by_county, "")
    assert IndicatorValue.objects.filter(indicator=by_county).count() == 3


def run_import(content: bytes, user) -> ValueImport:
    """Upload, check and commit as the tasks would, without the broker."""
    job = ValueImport.objects.create(filename="f.csv", content=content, created_by=user)
    import_check(job_id=job.pk)
    job.refresh_from_db()
    if value_import_commit_request(job=job, user=user):
        import_commit(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_an_import_with_a_region_column_records_each_county(by_county, secretariat):
    content = (
        b"indikator;periode;fylke;verdi\n"
        b"FYLKE-1;2023;03;1,5\n"
        b"FYLKE-1;2023;11;2,5\n"
        b"FYLKE-1;2023;;10\n"  # no county: the national figure
    )
    job = run_import(content, secretariat)
    assert job.status == ImportStatus.COMMITTED
    assert [row[6] for row in job.report] == ["region:03", "region:11", ""]
    rows = IndicatorValue.objects.filter(indicator=by_county)
    assert dict(rows.values_list("breakdown", "value")) == {
        "region:03": Decimal("1.5"),
        "region:11": Decimal("2.5"),
        "": Decimal(10),
    }
    assert set(rows.values_list("source", "status")) == {("import", "submitted")}


def test_an_import_naming_a_county_twice_is_refused_and_writes_nothing(
    by_county, secretariat
):
    content = (
        b"indicator;period;region;value\n"
        b"FYLKE-1;2023;03;1\n"
        b"FYLKE-1;2023;11;2\n"
        b"FYLKE-1;2023;03;3\n"
    )
    result = file_check(content)
    assert [(row[0], row[4], row[5]) for row in result.report] == [
        (2, "new", ""),
        (3, "new", ""),
        (
            4,
            "error",
            "The same indicator, period and breakdown already appear in row 2.",
        ),
    ]
    job = run_import(content, secretariat)
    assert job.status == ImportStatus.INVALID
    assert not IndicatorValue.objects.filter(indicator=by_county).exists()


def test_an_unknown_county_code_is_refused(by_county):
    content = b"indicator;period;region;value\nFYLKE-1;2023;99;1\n"
    (row,) = file_check(content).report
    assert (row[4], row[6]) == ("error", "region:99")
    assert "99" in row[5] and "region" in row[5]


def test_an_export_by_county_has_a_region_column_and_imports_back_unchanged(
    client, by_county, secretariat, approver, council_member
):
    record(by_county, secretariat, {"": Decimal(7), "03": Decimal(1)})
    approve(by_county, approver)
    record(by_county, secretariat, {"11": Decimal("2.25")})  # waits for approval
    IndicatorValueFactory(indicator=IndicatorFactory(code="OTHER"))
    client.force_login(council_member)

    content = client.get(reverse("indicators:export"), {"indicator": "FYLKE-1"})
    lines = content.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:4] == ["indicator", "period", "region", "value"]
    assert sorted(line.split(";")[2] for line in lines[1:]) == ["", "03", "11"]

    result = file_check(content.content, comment="round trip")
    assert result.file_errors == []
    assert sorted((row[6], row[4]) for row in result.report) == [
        ("", "unchanged"),
        ("region:03", "unchanged"),
        ("region:11", "unchanged"),
    ]
    before = IndicatorValue.objects.count()
    job = run_import(content.content, secretariat)
    assert job.status == ImportStatus.COMMITTED
    assert IndicatorValue.objects.count() == before
