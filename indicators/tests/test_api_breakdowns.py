"""The API by series: breakdowns declared per indicator, values by breakdown
(items and JSON-stat 2.0 datasets), approval per series, the code lists."""

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from indicators import serializers
from indicators.models import (
    BreakdownCategory,
    BreakdownDimension,
    IndicatorValue,
)
from indicators.tests.test_jsonstat import COUNTIES, YEARS, figure, ssb_dataset
from strategy.models import Goal
from tests.api_helpers import assert_error, client_with, create_key
from tests.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
BULK = f"{API}/values/bulk/"
APPROVE = f"{API}/values/approve/"
REJECT = f"{API}/values/reject/"
BREAKDOWNS = f"{API}/breakdowns/"
OSLO = {"region": "03"}


def values_url(code: str) -> str:
    return f"{API}/indicators/{code}/values/"


def push(client, url, body):
    return client.post(url, body, format="json")


def session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English texts, whatever translations exist."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def regional(real_strategy):
    """A count indicator of goal M1 broken down by region."""
    indicator = IndicatorFactory(
        code="M1-R", goal=Goal.objects.get(code="M1"), unit="count"
    )
    indicator.breakdowns.add(BreakdownDimension.objects.get(code="region"))
    return indicator


@pytest.fixture
def key_m1(regional):
    return client_with(
        create_key("--name", "ssb", "--role", "Integrasjon", "--scope", "M1")
    )


@pytest.fixture
def approver_api(approver):
    client = APIClient()
    client.force_authenticate(approver)
    return client


def current(*conditions, **filters):
    """{(year, breakdown): (value, status)} of the current revisions."""
    values = IndicatorValue.objects.filter(
        *conditions, superseded_at__isnull=True, **filters
    )
    return {(v.period_start.year, v.breakdown): (v.value, v.status) for v in values}


# --- Declaring breakdowns -----------------------------------------------------------


def test_secretariat_declares_breakdowns_when_defining_an_indicator(
    real_strategy, secretariat
):
    body = {
        "code": "M1-NEW",
        "goal": "M1",
        "name": "Ny",
        "unit": "count",
        "direction": "increase",
        "frequency": "annual",
        "breakdowns": ["region", "sector"],
    }
    response = push(session(secretariat), f"{API}/indicators/", body)
    assert response.status_code == 201, response.content
    assert sorted(response.json()["breakdowns"]) == ["region", "sector"]
    read = session(secretariat).get(f"{API}/indicators/M1-NEW/").json()
    assert sorted(read["breakdowns"]) == ["region", "sector"]


def test_an_unknown_dimension_is_400(real_strategy, secretariat):
    body = {
        "code": "M1-NEW",
        "goal": "M1",
        "name": "Ny",
        "unit": "count",
        "direction": "increase",
        "frequency": "annual",
        "breakdowns": ["planet"],
    }
    error = assert_error(
        push(session(secretariat), f"{API}/indicators/", body), 400, "invalid"
    )
    assert "breakdowns" in error["details"]
    assert not BreakdownDimension.objects.filter(code="planet").exists()


def test_patch_with_an_unknown_dimension_is_400(regional, secretariat):
    response = session(secretariat).patch(
        f"{API}/indicators/M1-R/", {"breakdowns": ["region", "planet"]}, format="json"
    )
    assert "breakdowns" in assert_error(response, 400, "invalid")["details"]
    assert list(regional.breakdowns.values_list("code", flat=True)) == ["region"]


def test_patch_adds_a_dimension_and_refuses_to_drop_one_with_values(
    regional, key_m1, secretariat
):
    client = session(secretariat)
    url = f"{API}/indicators/M1-R/"
    response = client.patch(url, {"breakdowns": ["region", "sector"]}, format="json")
    assert response.status_code == 200, response.content
    assert sorted(response.json()["breakdowns"]) == ["region", "sector"]
    # Sector has no values yet: it can go again.
    response = client.patch(url, {"breakdowns": ["region"]}, format="json")
    assert response.json()["breakdowns"] == ["region"]
    push(
        key_m1, values_url("M1-R"), {"period": "2024", "value": "3", "breakdown": OSLO}
    )
    error = assert_error(
        client.patch(url, {"breakdowns": []}, format="json"), 400, "invalid"
    )
    assert "breakdowns" in error["details"]
    assert list(regional.breakdowns.values_list("code", flat=True)) == ["region"]


# --- Values by breakdown, as items --------------------------------------------------


def test_single_list_and_bulk_items_take_a_breakdown(regional, key_m1):
    url = values_url("M1-R")
    one = push(key_m1, url, {"period": "2024", "value": "7", "breakdown": OSLO})
    assert one.status_code == 200, one.content
    assert one.json()["items"] == [
        {
            "indicator": "M1-R",
            "period": "2024",
            "breakdown": OSLO,
            "outcome": "created",
        }
    ]
    listed = push(
        key_m1,
        url,
        [
            {"period": "2024", "value": "70"},
            {"period": "2024", "value": "8", "breakdown": {"region": "46"}},
            {"period": "2024", "value": "9", "breakdown": {"region": "HSØ"}},
        ],
    )
    assert listed.json()["created"] == 3
    bulk = push(
        key_m1,
        BULK,
        [{"indicator": "M1-R", "period": "2023", "value": "6", "breakdown": OSLO}],
    )
    assert bulk.json()["created"] == 1, bulk.content
    assert current() == {
        (2024, "region:03"): (Decimal("7"), "submitted"),
        (2024, ""): (Decimal("70"), "submitted"),
        (2024, "region:46"): (Decimal("8"), "submitted"),
        (2024, "region:HSØ"): (Decimal("9"), "submitted"),
        (2023, "region:03"): (Decimal("6"), "submitted"),
    }
    # The same values again: nothing new.
    again = push(key_m1, url, {"period": "2024", "value": "7", "breakdown": OSLO})
    assert again.json()["unchanged"] == 1
    assert IndicatorValue.objects.count() == 5


@pytest.mark.parametrize(
    "breakdown, message",
    [
        ({"sector": "kommune"}, "not broken down by"),
        ({"region": "99"}, "not a code of the dimension"),
        ({"region": "03", "sector": "kommune"}, "not broken down by"),
    ],
)
def test_undeclared_dimensions_and_unknown_codes_are_400_writing_nothing(
    regional, key_m1, breakdown, message
):
    body = [
        {"period": "2024", "value": "1", "breakdown": OSLO},
        {"period": "2024", "value": "2", "breakdown": breakdown},
    ]
    for url in (values_url("M1-R"), BULK):
        items = body if url != BULK else [{"indicator": "M1-R", **b} for b in body]
        error = assert_error(push(key_m1, url, items), 400, "invalid")
        assert set(error["details"]) == {"1"}
        assert message in error["details"]["1"]["breakdown"][0]
    assert not IndicatorValue.objects.exists()


@pytest.fixture
def recorded(regional, key_m1, approver_api):
    """2023 and 2024, national and for Oslo and Vestland, approved."""
    items = [
        {"period": year, "value": str(value), **extra}
        for year in ("2023", "2024")
        for value, extra in (
            (50, {}),
            (60, {"breakdown": OSLO}),
            (40, {"breakdown": {"region": "46"}}),
        )
    ]
    assert push(key_m1, values_url("M1-R"), items).status_code == 200
    refs = [{"indicator": "M1-R", **item} for item in items]
    for ref in refs:
        ref.pop("value")
    response = push(approver_api, APPROVE, {"items": refs})
    assert response.status_code == 200, response.content
    return items


def test_reads_give_the_breakdown_and_filter_by_series(recorded, key_m1):
    url = values_url("M1-R")
    rows = key_m1.get(url).json()["results"]
    assert {(r["period"], str(r["breakdown"])) for r in rows} == {
        (year, str(b))
        for year in ("2023", "2024")
        for b in ({}, OSLO, {"region": "46"})
    }
    oslo = key_m1.get(url, {"breakdown": "region:03"}).json()["results"]
    assert [(r["period"], r["breakdown"], r["value"]) for r in oslo] == [
        ("2023", OSLO, "60"),
        ("2024", OSLO, "60"),
    ]
    national = key_m1.get(url, {"breakdown": "national"}).json()["results"]
    assert [(r["period"], r["breakdown"]) for r in national] == [
        ("2023", {}),
        ("2024", {}),
    ]


@pytest.mark.parametrize("bad", ["region", "region:", ":03", "region:03,region:46"])
def test_a_bad_breakdown_filter_is_400(recorded, key_m1, bad):
    error = assert_error(
        key_m1.get(values_url("M1-R"), {"breakdown": bad}), 400, "invalid"
    )
    assert "breakdown" in error["details"]


def test_approve_and_reject_name_the_series(regional, key_m1, approver_api):
    push(
        key_m1,
        values_url("M1-R"),
        [
            {"period": "2024", "value": "1", "breakdown": OSLO},
            {"period": "2024", "value": "2", "breakdown": {"region": "46"}},
            {"period": "2024", "value": "3"},
        ],
    )
    approve = {"items": [{"indicator": "M1-R", "period": "2024", "breakdown": OSLO}]}
    response = push(approver_api, APPROVE, approve)
    assert response.status_code == 200, response.content
    assert response.json() == {"approved": 1, **approve}
    reject = {
        "reason": "Counts twice",
        "items": [
            {"indicator": "M1-R", "period": "2024", "breakdown": {"region": "46"}}
        ],
    }
    response = push(approver_api, REJECT, reject)
    assert response.status_code == 200, response.content
    assert current() == {
        (2024, "region:03"): (Decimal("1"), "approved"),
        (2024, "region:46"): (Decimal("2"), "rejected"),
        (2024, ""): (Decimal("3"), "submitted"),
    }
    # Oslo's value no longer waits: approving it again is a conflict.
    assert_error(push(approver_api, APPROVE, approve), 409, "conflict")


# --- The one official value per series ----------------------------------------------


def test_one_official_value_per_indicator_period_and_breakdown(regional):
    approved = {
        "indicator": regional,
        "status": "approved",
        "approved_at": timezone.now(),
    }
    IndicatorValueFactory(**approved, breakdown="region:03")
    IndicatorValueFactory(**approved, breakdown="region:46")
    IndicatorValueFactory(**approved, breakdown="")
    unique = "UNIQUE|value_one_current_approved_per_period"
    with pytest.raises(IntegrityError, match=unique), transaction.atomic():
        IndicatorValueFactory(**approved, breakdown="region:03")
    assert IndicatorValue.objects.filter(status="approved").count() == 3


def test_a_correction_in_one_county_leaves_the_others_untouched(
    recorded, key_m1, approver_api
):
    before = current(~Q(breakdown="region:03"))
    response = push(
        key_m1,
        values_url("M1-R"),
        {"period": "2024", "value": "65", "breakdown": OSLO, "comment": "Recount"},
    )
    assert response.json()["revised"] == 1, response.content
    ref = {"indicator": "M1-R", "period": "2024", "breakdown": OSLO}
    assert push(approver_api, APPROVE, {"items": [ref]}).status_code == 200
    assert current(~Q(breakdown="region:03")) == before
    assert current(breakdown="region:03") == {
        (2023, "region:03"): (Decimal("60"), "approved"),
        (2024, "region:03"): (Decimal("65"), "approved"),
    }
    old = IndicatorValue.objects.get(
        breakdown="region:03", period_start=dt.date(2024, 1, 1), value=60
    )
    assert old.superseded_at is not None


# --- JSON-stat 2.0 datasets ---------------------------------------------------------


def test_an_ssb_dataset_imports_exactly_and_again_changes_nothing(
    regional, key_m1, approver_api
):
    dataset = ssb_dataset()
    response = push(key_m1, values_url("M1-R"), dataset)
    assert response.status_code == 200, response.content
    body = response.json()
    cells = len(COUNTIES) * len(YEARS)
    assert (body["created"], body["revised"], body["unchanged"]) == (cells, 0, 0)
    assert body["items"][0] == {
        "indicator": "M1-R",
        "period": YEARS[0],
        "breakdown": {"region": COUNTIES[0]},
        "outcome": "created",
    }
    refs = [
        {"indicator": "M1-R", "period": year, "breakdown": {"region": county}}
        for county in COUNTIES
        for year in YEARS
    ]
    response = push(approver_api, APPROVE, {"items": refs})
    assert response.json()["approved"] == cells, response.content
    expected = {
        (int(year), f"region:{county}"): (
            Decimal(str(figure(county, year))),
            "approved",
        )
        for county in COUNTIES
        for year in YEARS
    }
    assert current() == expected
    again = push(key_m1, values_url("M1-R"), dataset).json()
    assert (again["created"], again["revised"], again["unchanged"]) == (0, 0, cells)
    assert IndicatorValue.objects.count() == cells
    assert current() == expected


def test_the_whole_country_in_a_dataset_is_the_national_figure(regional, key_m1):
    dataset = ssb_dataset(regions=("0", "03"), periods=("2024",), values=[50, 60])
    response = push(key_m1, values_url("M1-R"), dataset)
    assert response.status_code == 200, response.content
    assert current() == {
        (2024, ""): (Decimal("50"), "submitted"),
        (2024, "region:03"): (Decimal("60"), "submitted"),
    }


def test_a_dataset_with_an_unknown_region_is_refused_per_cell(regional, key_m1):
    dataset = ssb_dataset(regions=("03", "99"), periods=("2023", "2024"))
    error = assert_error(push(key_m1, values_url("M1-R"), dataset), 400, "invalid")
    assert set(error["details"]) == {"Region=99, Tid=2023", "Region=99, Tid=2024"}
    messages = error["details"]["Region=99, Tid=2024"]["breakdown"]
    assert "99" in messages[0] and "region" in messages[0]
    assert not IndicatorValue.objects.exists()


def _without_time_role(dataset):
    del dataset["role"]["time"]


def _with_a_value_too_many(dataset):
    dataset["value"].append(1.0)


def _with_a_size_too_small(dataset):
    dataset["size"][2] -= 1


@pytest.mark.parametrize(
    "spoil, message",
    [
        (_without_time_role, "no time dimension"),
        (_with_a_value_too_many, "values but its dimensions make"),
        (_with_a_size_too_small, "categories but the dataset"),
    ],
)
def test_a_broken_dataset_is_refused_as_a_whole(regional, key_m1, spoil, message):
    dataset = ssb_dataset()
    spoil(dataset)
    error = assert_error(push(key_m1, values_url("M1-R"), dataset), 400, "invalid")
    assert list(error["details"]) == ["non_field_errors"]
    assert message in error["details"]["non_field_errors"][0]
    assert not IndicatorValue.objects.exists()


def test_a_dataset_period_outside_the_frequency_or_to_come_is_refused_per_cell(
    regional, key_m1
):
    future = str(dt.date.today().year + 1)
    dataset = ssb_dataset(
        regions=("03",), periods=("2024", "2024K3", future), values=[1, 2, 3]
    )
    error = assert_error(push(key_m1, values_url("M1-R"), dataset), 400, "invalid")
    assert set(error["details"]) == {
        "Region=03, Tid=2024K3",
        f"Region=03, Tid={future}",
    }
    assert all(set(cell) == {"period"} for cell in error["details"].values())
    assert not IndicatorValue.objects.exists()


def test_a_dataset_with_bad_values_names_every_cell_and_writes_nothing(
    regional, key_m1
):
    dataset = ssb_dataset(regions=("03", "46"), periods=("2024",), values=["mye", 12.5])
    error = assert_error(push(key_m1, values_url("M1-R"), dataset), 400, "invalid")
    assert list(error["details"]) == ["Region=03, Tid=2024"]
    assert "value" in error["details"]["Region=03, Tid=2024"]
    assert not IndicatorValue.objects.exists()


def test_a_correction_by_dataset_needs_the_datasets_comment(regional, key_m1):
    url = values_url("M1-R")
    dataset = ssb_dataset(regions=("03", "46"), periods=("2024",), values=[1, 2])
    assert push(key_m1, url, dataset).status_code == 200
    changed = copy.deepcopy(dataset)
    changed["value"] = [1, 3]
    error = assert_error(push(key_m1, url, changed), 400, "invalid")
    assert set(error["details"]) == {"Region=46, Tid=2024"}
    assert "comment" in error["details"]["Region=46, Tid=2024"]
    changed["extension"]["comment"] = "SSB revised the 2024 figures"
    body = push(key_m1, url, changed).json()
    assert (body["revised"], body["unchanged"]) == (1, 1)
    assert current()[(2024, "region:46")] == (Decimal("3"), "submitted")
    assert IndicatorValue.objects.get(value=3).comment == (
        "SSB revised the 2024 figures"
    )


def test_a_dataset_larger_than_a_batch_is_413(regional, key_m1, monkeypatch):
    monkeypatch.setattr(serializers, "MAX_BATCH_ITEMS", 10)
    error = assert_error(
        push(key_m1, values_url("M1-R"), ssb_dataset()), 413, "too_large"
    )
    assert "10" in error["message"]
    assert not IndicatorValue.objects.exists()


def test_a_dataset_is_held_to_the_keys_scope(regional):
    client = client_with(
        create_key("--name", "m2", "--role", "Integrasjon", "--scope", "M2")
    )
    error = assert_error(
        push(client, values_url("M1-R"), ssb_dataset()), 403, "permission_denied"
    )
    assert "M1-R" in error["message"]
    assert not IndicatorValue.objects.exists()


def test_a_dataset_to_the_bulk_endpoint_is_400(regional, key_m1):
    assert_error(push(key_m1, BULK, ssb_dataset()), 400, "invalid")
    assert not IndicatorValue.objects.exists()


# --- The code lists -----------------------------------------------------------------


def test_breakdowns_lists_every_dimension_with_its_code_list(key_m1):
    body = key_m1.get(BREAKDOWNS).json()
    dimensions = {d["code"]: d for d in body["results"]}
    region = dimensions["region"]
    assert {k: v for k, v in region.items() if k != "categories"} == {
        "code": "region",
        "name": "Region",
        "name_en": "Region",
        "builtin": True,
    }
    levels = [c["level"] for c in region["categories"]]
    assert (
        levels.count("health_region"),
        levels.count("county"),
        levels.count("municipality"),
    ) == (4, 15, 357)
    by_code = {c["code"]: c for c in region["categories"]}
    assert by_code["03"] == {
        "code": "03",
        "name": by_code["03"]["name"],
        "name_en": by_code["03"]["name_en"],
        "level": "county",
        "parent": "HSØ",
    }
    assert by_code["0301"]["parent"] == "03"
    assert by_code["HSØ"]["parent"] is None
    assert "kommune" in {c["code"] for c in dimensions["sector"]["categories"]}


def test_one_dimension_and_its_categories_of_a_level(key_m1):
    body = key_m1.get(f"{BREAKDOWNS}region/", {"level": "county"}).json()
    assert body["code"] == "region"
    assert len(body["categories"]) == 15
    assert {c["level"] for c in body["categories"]} == {"county"}
    assert_error(key_m1.get(f"{BREAKDOWNS}planet/"), 404, "not_found")
    error = assert_error(key_m1.get(BREAKDOWNS, {"level": "planet"}), 400, "invalid")
    assert "level" in error["details"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_code_lists_take_the_same_queries_however_long(key_m1):
    dimension = BreakdownDimension.objects.create(code="helseforetak", name_nb="HF")
    BreakdownCategory.objects.create(dimension=dimension, code="A", name_nb="A")
    key_m1.get(BREAKDOWNS)  # the key's first use of the minute is recorded
    few = (_queries(key_m1, BREAKDOWNS), _queries(key_m1, f"{BREAKDOWNS}helseforetak/"))
    BreakdownCategory.objects.bulk_create(
        BreakdownCategory(dimension=dimension, code=f"B{n}", name_nb=f"B {n}")
        for n in range(300)
    )
    many = (
        _queries(key_m1, BREAKDOWNS),
        _queries(key_m1, f"{BREAKDOWNS}helseforetak/"),
    )
    assert few == many
    assert many[0] <= 6  # key, roles, count, page, categories


def test_the_served_schema_resolves_every_reference_each_time(key_m1):
    """The dataset's schema is a dict the enum hook rewrites: built afresh per
    request, its ``class`` enum has its component every time."""
    for _attempt in range(2):
        response = key_m1.get("/api/schema/", {"format": "json"})
        schema = response.json()
        components = schema["components"]["schemas"]
        refs = _refs(schema)
        assert "#/components/schemas/JsonStatDataset" in refs
        missing = {ref for ref in refs if ref.rsplit("/", 1)[-1] not in components}
        assert not missing


def _refs(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if "$ref" in node else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node))
    return set()
