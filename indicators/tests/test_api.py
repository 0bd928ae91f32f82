"""REST API v1 of the indicators: definitions, values, approval, progress."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from core.models import ApiKey
from core.roles import Role
from indicators import serializers
from indicators.models import (
    Indicator,
    IndicatorTargetChange,
    IndicatorValue,
    ValueStatus,
)
from indicators.serializers import BULK_ITEM_FIELDS, MAX_BATCH_ITEMS
from strategy.models import Goal
from strategy.services import progress_recompute
from tests.api_helpers import assert_error, client_with, create_key
from tests.factories import IndicatorFactory, IndicatorValueFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
BULK = f"{API}/values/bulk/"
APPROVE = f"{API}/values/approve/"
REJECT = f"{API}/values/reject/"
INDICATOR_FIELDS = {
    "code",
    "goal",
    "name",
    "name_en",
    "description",
    "unit",
    "direction",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "limit",
    "frequency",
    "data_source",
    "owner",
    "is_demo",
    "breakdowns",
}
# key, last use, roles, indicators, then values_record: savepoint, lock,
# heads, inserts (value + history), release.
QUERIES_PER_BULK = 10
VALUE_FIELDS = {
    "indicator",
    "period",
    "breakdown",
    "value",
    "status",
    "comment",
    "source",
    "entered_by",
    "entered_at",
    "approved_by",
    "approved_at",
}


def values_url(code: str) -> str:
    return f"{API}/indicators/{code}/values/"


@pytest.fixture
def m1(real_strategy):
    return IndicatorFactory(
        code="M1-A",
        goal=Goal.objects.get(code="M1"),
        unit="percent",
        baseline_value=Decimal("40"),
        baseline_year=2020,
        target_value=Decimal("80"),
        limit=Decimal("100"),
    )


@pytest.fixture
def m2(real_strategy):
    return IndicatorFactory(code="M2-A", goal=Goal.objects.get(code="M2"), unit="count")


@pytest.fixture
def key_m1(m1):
    """An integration key that may write goal M1's values."""
    return client_with(
        create_key("--name", "ssb", "--role", "Integrasjon", "--scope", "M1")
    )


@pytest.fixture
def approver_api(approver):
    client = APIClient()
    client.force_authenticate(approver)
    return client


def session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def push(client, url, body):
    return client.post(url, body, format="json")


# --- Indicator definitions -------------------------------------------------------


def test_indicator_list_follows_the_contract_and_filters_by_goal(key_m1, m1, m2):
    body = key_m1.get(f"{API}/indicators/", {"goal": "M1"}).json()
    assert body["count"] == 1
    (indicator,) = body["results"]
    assert set(indicator) == INDICATOR_FIELDS
    assert indicator["goal"] == "M1"
    assert indicator["baseline_value"] == "40"
    assert indicator["limit"] == "100"
    assert indicator["target_year"] == 2030
    assert key_m1.get(f"{API}/indicators/", {"is_demo": "true"}).json()["count"] == 0


def test_indicator_list_bad_filter_is_400(key_m1):
    response = key_m1.get(f"{API}/indicators/", {"is_demo": "maybe"})
    assert "is_demo" in assert_error(response, 400, "invalid")["details"]


def test_indicator_by_code_and_unknown_code(key_m1, m1):
    body = key_m1.get(f"{API}/indicators/M1-A/").json()
    assert set(body) == INDICATOR_FIELDS and body["code"] == "M1-A"
    assert_error(key_m1.get(f"{API}/indicators/NOPE/"), 404, "not_found")


NEW_INDICATOR = {
    "code": "M3-NEW",
    "goal": "M3",
    "name": "Ny indikator",
    "unit": "count",
    "direction": "decrease",
    "baseline_value": "120,5",
    "frequency": "quarterly",
}


def test_secretariat_defines_an_indicator(real_strategy, secretariat):
    body = {**NEW_INDICATOR, "baseline_value": "120.5", "baseline_year": 2022}
    response = push(session(secretariat), f"{API}/indicators/", body)
    assert response.status_code == 201, response.content
    assert response.json()["baseline_value"] == "120.5"
    indicator = Indicator.objects.get(code="M3-NEW")
    assert indicator.goal.code == "M3" and indicator.frequency == "quarterly"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"goal": "M9"}, "goal"),
        ({"baseline_value": "NaN"}, "baseline_value"),
        ({"baseline_value": "1e400"}, "baseline_value"),
        ({"direction": "sideways"}, "direction"),
        ({"colour": "red"}, "colour"),
        ({"code": "approvals/x"}, "code"),
        ({"code": "Approvals"}, "code"),
        ({"code": "A..B"}, "code"),
        ({"code": "A B"}, "code"),
        ({"code": "=1+1"}, "code"),
        ({"code": "ＤＥＭＯ-M1-1"}, "code"),
        ({"code": "M3\u200bNEW"}, "code"),
        # Next to the field a person corrects, in words, not a constraint name.
        ({"baseline_value": "10", "baseline_year": None}, "baseline_year"),
        ({"baseline_year": 2031, "target_year": 2030}, "baseline_year"),
    ],
)
def test_invalid_indicator_is_400_with_the_field(
    real_strategy, secretariat, change, field
):
    body = {**NEW_INDICATOR, "baseline_value": None, **change}
    response = push(session(secretariat), f"{API}/indicators/", body)
    details = assert_error(response, 400, "invalid")["details"]
    assert field in details, details
    assert "indicator_" not in str(details)
    assert not Indicator.objects.filter(code="M3-NEW").exists()


@pytest.mark.parametrize("code", ["M1-A", "m1-a"])
def test_duplicate_indicator_code_is_400(m1, secretariat, code):
    body = {**NEW_INDICATOR, "code": code, "baseline_value": None}
    response = push(session(secretariat), f"{API}/indicators/", body)
    assert "code" in assert_error(response, 400, "invalid")["details"]
    assert Indicator.objects.count() == 1


@pytest.mark.parametrize("role", ["Integrasjon", "Godkjenner"])
def test_only_the_secretariat_defines_indicators(real_strategy, role):
    client = client_with(create_key("--name", "k", "--role", role, "--scope", "M3"))
    response = push(client, f"{API}/indicators/", NEW_INDICATOR)
    assert_error(response, 403, "permission_denied")


def test_secretariat_key_may_define_indicators_of_its_goals(real_strategy):
    client = client_with(
        create_key("--name", "k", "--role", "Sekretariat", "--scope", "M3")
    )
    body = {**NEW_INDICATOR, "baseline_value": None}
    assert push(client, f"{API}/indicators/", body).status_code == 201
    response = client.patch(
        f"{API}/indicators/M3-NEW/", {"name_en": "New"}, format="json"
    )
    assert response.status_code == 200, response.content


@pytest.fixture
def secretariat_key_m1(m1, m2):
    """A secretariat key scoped to goal M1 (found by the outside test: it
    changed M2's definitions and created indicators under M3)."""
    return client_with(
        create_key("--name", "sek", "--role", "Sekretariat", "--scope", "M1")
    )


def test_scoped_secretariat_key_cannot_change_another_goals_indicator(
    secretariat_key_m1, m2
):
    m2.target_value = Decimal("70")
    m2.save()
    body = {
        "target_value": "1",
        "change_reason": "x",
        "effective_from": "2026-01-01",
    }
    response = secretariat_key_m1.patch(f"{API}/indicators/M2-A/", body, format="json")
    assert "M2-A" in assert_error(response, 403, "permission_denied")["message"]
    m2.refresh_from_db()
    assert m2.target_value == Decimal("70")
    assert not IndicatorTargetChange.objects.exists()


@pytest.mark.parametrize("body", [{"name_en": "x"}, {"goal": "M9"}, "text"])
def test_outside_the_scope_is_403_whatever_the_body(secretariat_key_m1, body):
    response = secretariat_key_m1.patch(f"{API}/indicators/M2-A/", body, format="json")
    assert_error(response, 403, "permission_denied")


def test_scoped_secretariat_key_cannot_create_under_another_goal(secretariat_key_m1):
    body = {**NEW_INDICATOR, "baseline_value": None}
    response = push(secretariat_key_m1, f"{API}/indicators/", body)
    assert "M3-NEW" in assert_error(response, 403, "permission_denied")["message"]
    assert not Indicator.objects.filter(code="M3-NEW").exists()


def test_scoped_secretariat_key_cannot_move_its_indicator_out(secretariat_key_m1, m1):
    response = secretariat_key_m1.patch(
        f"{API}/indicators/M1-A/", {"goal": "M2"}, format="json"
    )
    assert_error(response, 403, "permission_denied")
    m1.refresh_from_db()
    assert m1.goal.code == "M1"


def test_scoped_secretariat_key_changes_its_own_goals_indicator(secretariat_key_m1):
    response = secretariat_key_m1.patch(
        f"{API}/indicators/M1-A/", {"name_en": "Share"}, format="json"
    )
    assert response.status_code == 200, response.content


def test_definition_services_check_the_scope_themselves(m1, m2, secretariat):
    from indicators.scopes import OutsideScope, WriteScope
    from indicators.services import indicator_create, indicator_update

    scope = WriteScope(frozenset({"M1"}))
    with pytest.raises(OutsideScope):
        indicator_update(
            indicator=m2, user=secretariat, fields={"name_en": "x"}, scope=scope
        )
    with pytest.raises(OutsideScope):
        indicator_update(
            indicator=m1, user=secretariat, fields={"goal": m2.goal}, scope=scope
        )
    fields = {
        "code": "M2-NEW",
        "goal": m2.goal,
        "name_nb": "Ny",
        "unit": "count",
        "direction": "increase",
        "frequency": "annual",
    }
    with pytest.raises(OutsideScope):
        indicator_create(user=secretariat, fields=fields, scope=scope)
    assert not Indicator.objects.filter(code="M2-NEW").exists()


def test_target_change_needs_reason_and_date_then_is_recorded(m1, secretariat):
    client = session(secretariat)
    url = f"{API}/indicators/M1-A/"
    details = assert_error(
        client.patch(url, {"target_value": "85"}, format="json"), 400, "invalid"
    )["details"]
    assert {"change_reason", "effective_from"} <= set(details)
    response = client.patch(
        url,
        {
            "target_value": "85",
            "change_reason": "Council decision 3/26",
            "effective_from": "2026-03-12",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["target_value"] == "85"
    change = IndicatorTargetChange.objects.get(indicator=m1)
    assert change.reason == "Council decision 3/26"
    assert change.previous["target_value"] == "80.000000"


def test_a_long_change_reason_is_kept_whole(m1, secretariat):
    """Found by schemathesis: the history row's 100-character reason column
    made PostgreSQL refuse a long reason (a 500)."""
    reason = "Begrunnelse " * 150  # within the 2,000 characters the API accepts
    response = session(secretariat).patch(
        f"{API}/indicators/M1-A/",
        {"target_value": "85", "change_reason": reason, "effective_from": "2026-03-12"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert IndicatorTargetChange.objects.get(indicator=m1).reason == reason.strip()


def test_patch_changes_only_the_fields_sent(m1, secretariat):
    response = session(secretariat).patch(
        f"{API}/indicators/M1-A/", {"name_en": "Share"}, format="json"
    )
    assert response.status_code == 200, response.content
    m1.refresh_from_db()
    assert m1.name_en == "Share" and m1.target_value == Decimal("80")


@pytest.mark.parametrize(
    "body", [[{"name_en": "x"}], {"code": "OTHER"}, {"goal": 1}, "text"]
)
def test_patch_refuses_bad_bodies(m1, secretariat, body):
    response = session(secretariat).patch(
        f"{API}/indicators/M1-A/", body, format="json"
    )
    assert_error(response, 400, "invalid")


def test_council_member_cannot_patch(m1, council_member):
    response = session(council_member).patch(
        f"{API}/indicators/M1-A/", {"name_en": "x"}, format="json"
    )
    assert_error(response, 403, "permission_denied")


def test_wrong_methods_are_405(key_m1, m1):
    assert_error(key_m1.delete(f"{API}/indicators/M1-A/"), 405, "method_not_allowed")
    assert_error(key_m1.get(BULK), 405, "method_not_allowed")
    assert_error(key_m1.put(values_url("M1-A"), {}), 405, "method_not_allowed")
    assert_error(key_m1.get(APPROVE), 405, "method_not_allowed")


# --- Progress ------------------------------------------------------------------


def approved(indicator, year, value, **kwargs):
    return IndicatorValueFactory(
        indicator=indicator,
        period_start=dt.date(year, 1, 1),
        value=Decimal(value),
        status=ValueStatus.APPROVED,
        approved_at=kwargs.pop("approved_at", None) or dt.datetime.now(dt.UTC),
        **kwargs,
    )


def test_progress_is_404_until_computed_then_json_numbers(key_m1, m1):
    url = f"{API}/indicators/M1-A/progress/"
    assert_error(key_m1.get(url), 404, "not_found")
    for year, value in ((2020, "40"), (2022, "50"), (2024, "60")):
        approved(m1, year, value)
    progress_recompute(indicator_ids=[m1.pk])
    body = key_m1.get(url).json()
    assert body["breakdown"] == {}  # the national figure
    assert {
        "indicator",
        "breakdown",
        "as_of",
        "inputs_changed_on",
        "computed_at",
        "status",
        "score",
        "method",
        "progress_value",
        "components",
        "explanation",
    } == set(body)
    assert body["indicator"] == "M1-A"
    assert body["as_of"] == dt.date.today().isoformat() or body["as_of"]
    assert isinstance(body["progress_value"], float)
    assert isinstance(body["score"], int | float)
    assert body["explanation"]["status"] == body["status"]
    assert all(
        isinstance(v, int | float | str | dict | list | None)
        for v in body["components"].values()
    )
    assert_error(key_m1.get(url, {"as_of": "2021-01-01"}), 404, "not_found")


@pytest.mark.parametrize(
    "as_of", ["yesterday", "2024-13-01", "1999-01-01", "2999-01-01"]
)
def test_progress_bad_date_is_400(key_m1, m1, as_of):
    response = key_m1.get(f"{API}/indicators/M1-A/progress/", {"as_of": as_of})
    assert "as_of" in assert_error(response, 400, "invalid")["details"]


# --- Writing values ------------------------------------------------------------------


def test_one_value_is_recorded_as_submitted_by_the_key(key_m1, m1):
    response = push(key_m1, values_url("M1-A"), {"period": "2024", "value": "57.0"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "created": 1,
        "revised": 0,
        "unchanged": 0,
        "items": [{"indicator": "M1-A", "period": "2024", "outcome": "created"}],
    }
    value = IndicatorValue.objects.get()
    assert value.status == "submitted" and value.source == "api"
    assert value.entered_by.username == "api:ssb"
    assert value.value == Decimal("57")


def test_re_push_is_unchanged_and_a_correction_becomes_a_revision(key_m1, m1):
    batch = [
        {"period": "2023", "value": "55"},
        {"period": "2024", "value": 57.5, "comment": "first"},
    ]
    assert push(key_m1, values_url("M1-A"), batch).json()["created"] == 2
    again = push(key_m1, values_url("M1-A"), batch).json()
    assert [i["outcome"] for i in again["items"]] == ["unchanged", "unchanged"]
    assert IndicatorValue.objects.count() == 2

    no_reason = push(key_m1, values_url("M1-A"), [{"period": "2024", "value": "58"}])
    details = assert_error(no_reason, 400, "invalid")["details"]
    assert list(details["0"]) == ["comment"]

    fixed = [{"period": "2024", "value": "58", "comment": "SSB corrected"}]
    assert push(key_m1, values_url("M1-A"), fixed).json()["revised"] == 1
    head = IndicatorValue.objects.get(superseded_at__isnull=True, value=Decimal("58"))
    assert head.supersedes.value == Decimal("57.5")
    assert IndicatorValue.objects.count() == 3


def test_bulk_writes_many_indicators_all_or_nothing(real_strategy):
    one = IndicatorFactory(code="B1", goal=Goal.objects.get(code="M1"), unit="count")
    IndicatorFactory(code="B2", goal=Goal.objects.get(code="M1"), frequency="monthly")
    client = client_with(
        create_key("--name", "k", "--role", "Integrasjon", "--scope", "M1")
    )
    good = [
        {"indicator": "B1", "period": "2024", "value": "1 234,5"},
        {"indicator": "B2", "period": "2024-06", "value": "12"},
    ]
    bad = [*good, {"indicator": "B2", "period": "2024", "value": "13"}]
    details = assert_error(push(client, BULK, bad), 400, "invalid")["details"]
    assert list(details) == ["2"] and "period" in details["2"]
    assert not IndicatorValue.objects.exists()
    body = push(client, BULK, good).json()
    assert body["created"] == 2
    assert one.values.get().value == Decimal("1234.5")


def test_bulk_accepts_ten_thousand_items_and_re_push_is_unchanged(real_strategy):
    goal = Goal.objects.get(code="M1")
    for i in range(50):
        IndicatorFactory(code=f"T{i}", goal=goal, unit="count", frequency="monthly")
    items = [
        {
            "indicator": f"T{i}",
            "period": f"{2005 + m // 12}-{m % 12 + 1:02d}",
            "value": str(m),
        }
        for i in range(50)
        for m in range(200)
    ]
    client = client_with(
        create_key("--name", "k", "--role", "Integrasjon", "--scope", "M1")
    )
    assert push(client, BULK, items).json()["created"] == 10_000
    body = push(client, BULK, items).json()
    assert body["unchanged"] == 10_000 and body["created"] == 0
    assert IndicatorValue.objects.count() == 10_000


def test_too_many_items_is_413_stating_the_limit(key_m1):
    items = [{"indicator": "M1-A", "period": "2024", "value": "1"}] * (
        MAX_BATCH_ITEMS + 1
    )
    error = assert_error(push(key_m1, BULK, items), 413, "too_large")
    assert f"{MAX_BATCH_ITEMS}" in error["message"]
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"period": "2024", "value": "57"}, "non_field_errors"),  # object, not list
        ([], "non_field_errors"),
        ([1, "x"], "0"),
        ([{"indicator": "M1-A", "period": "2024"}], "0"),
        ([{"indicator": "M1-A", "period": "2024", "value": "NaN"}], "0"),
        ([{"indicator": "M1-A", "period": "2024", "value": "Infinity"}], "0"),
        ([{"indicator": "M1-A", "period": "2024", "value": "1e400"}], "0"),
        ([{"indicator": "M1-A", "period": "2024", "value": 10**400}], None),
        ([{"indicator": "M1-A", "period": "2024", "value": "9" * 30}], "0"),
        ([{"indicator": "M1-A", "period": "2024", "value": True}], "0"),
        ([{"indicator": "M1-A", "period": "2024", "value": {"a": 1}}], "0"),
        ([{"indicator": "M1-A", "period": 2024, "value": "1"}], "0"),
        ([{"indicator": "", "period": "2024", "value": "1"}], "0"),
        ([{"indicator": "M1-A", "period": "2024", "value": ""}], "0"),
        ([{"indicator": ["M1-A"], "period": "2024", "value": "1"}], "0"),
        ([{"indicator": "M1-A", "period": "2024", "value": "1", "x": 1}], "0"),
        ([{"indicator": "NOPE", "period": "2024", "value": "1"}], "0"),
        ([{"indicator": "M1-A", "period": "2099", "value": "1"}], "0"),
        ([{"indicator": "M1-A", "period": "2024", "value": "101"}], "0"),
        (
            [{"indicator": "M1-A", "period": "2024", "value": "1", "comment": "=1+1"}],
            "0",
        ),
        (
            [{"indicator": "M1-A", "period": "2024", "value": "1", "comment": " =1+1"}],
            "0",
        ),
        (
            [{"indicator": "M1-A", "period": "2024", "value": "1", "comment": "\n=1"}],
            "0",
        ),
        (
            [
                {
                    "indicator": "M1-A",
                    "period": "2024",
                    "value": "1",
                    "comment": "\xa0=1",
                }
            ],
            "0",
        ),
        ([{"indicator": "M1-A", "period": "2024", "value": "1", "comment": 5}], "0"),
    ],
)
def test_bad_bulk_input_is_400_never_500(key_m1, body, where):
    error = assert_error(push(key_m1, BULK, body), 400, "invalid")
    if where is not None:  # None: the body is no JSON the parser accepts
        assert where in error["details"], error
    assert not IndicatorValue.objects.exists()


SHAPE_VALUES = st.none() | st.sampled_from(["", "x", "2024"]) | st.integers()


@given(
    st.dictionaries(
        st.sampled_from(sorted(BULK_ITEM_FIELDS | {"x"})), SHAPE_VALUES, max_size=5
    )
)
def test_the_quick_shape_check_passes_only_what_the_full_one_does(item):
    if serializers._shape_plain(item, BULK_ITEM_FIELDS):
        assert serializers._shape_errors(item, BULK_ITEM_FIELDS) == {}


def test_duplicate_periods_in_one_batch_are_400(key_m1):
    item = {"indicator": "M1-A", "period": "2024", "value": "1"}
    details = assert_error(push(key_m1, BULK, [item, item]), 400, "invalid")["details"]
    assert "1" in details


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (
            b'[{"indicator": "M1-A", "period": "2024", "value": NaN}]',
            "application/json",
            400,
        ),
        (b"\xff\xfe", "application/json", 400),
        (b"", "application/json", 400),
        (b"null", "application/json", 400),
        (b"indicator=M1-A", "application/x-www-form-urlencoded", 415),
        (b"<values/>", "text/xml", 415),
    ],
)
def test_malformed_bodies_and_wrong_content_types(key_m1, raw, content_type, status):
    response = key_m1.post(BULK, raw, content_type=content_type)
    assert response.status_code == status, response.content
    assert response.json()["error"]["status"] == status


def test_key_outside_its_scope_gets_403_naming_the_indicators(m1, m2):
    client = client_with(
        create_key("--name", "k", "--role", "Integrasjon", "--scope", "M2")
    )
    body = [
        {"indicator": "M1-A", "period": "2024", "value": "1"},
        {"indicator": "M2-A", "period": "2024", "value": "1"},
    ]
    error = assert_error(push(client, BULK, body), 403, "permission_denied")
    assert "M1-A" in error["message"] and "M2-A" not in error["message"]
    assert_error(
        push(client, values_url("M1-A"), {"period": "2024", "value": "1"}),
        403,
        "permission_denied",
    )
    assert not IndicatorValue.objects.exists()


def test_key_scoped_to_an_indicator_code_writes_it(m1, m2):
    client = client_with(
        create_key("--name", "k", "--role", "Integrasjon", "--scope", "M2-A")
    )
    assert (
        push(client, values_url("M2-A"), {"period": "2024", "value": "3"}).status_code
        == 200
    )
    assert_error(
        push(client, values_url("M1-A"), {"period": "2024", "value": "3"}),
        403,
        "permission_denied",
    )


def test_key_without_scope_cannot_write(m1):
    client = client_with(create_key("--name", "k", "--role", "Integrasjon"))
    response = push(client, values_url("M1-A"), {"period": "2024", "value": "1"})
    assert "M1-A" in assert_error(response, 403, "permission_denied")["message"]


def test_secretariat_session_writes_every_indicator(m1, m2, secretariat):
    body = [
        {"indicator": "M1-A", "period": "2024", "value": "1"},
        {"indicator": "M2-A", "period": "2024", "value": "1"},
    ]
    assert push(session(secretariat), BULK, body).json()["created"] == 2


@pytest.mark.parametrize("fixture", ["council_member", "approver", "outsider"])
def test_other_roles_cannot_write_values(m1, request, fixture):
    client = session(request.getfixturevalue(fixture))
    response = push(client, values_url("M1-A"), {"period": "2024", "value": "1"})
    assert_error(response, 403, "permission_denied")


def test_no_key_and_revoked_key_are_401(m1):
    body = {"period": "2024", "value": "1"}
    assert_error(push(APIClient(), values_url("M1-A"), body), 401, "not_authenticated")
    raw = create_key("--name", "old", "--role", "Integrasjon", "--scope", "M1")
    call_command("revoke_api_key", "--name", "old", stdout=StringIO())
    client = client_with(raw)
    assert_error(push(client, values_url("M1-A"), body), 401, "not_authenticated")
    assert_error(client.get(values_url("M1-A")), 401, "not_authenticated")
    assert_error(push(client, BULK, [body]), 401, "not_authenticated")


def test_values_to_an_unknown_indicator_are_404(key_m1):
    response = push(key_m1, values_url("NOPE"), {"period": "2024", "value": "1"})
    assert_error(response, 404, "not_found")


# --- Reading values ----------------------------------------------------------------


def test_values_list_follows_the_contract_and_filters(key_m1, m1, approver):
    for year in range(2015, 2025):
        approved(m1, year, str(year - 2000), approved_by=approver)
    IndicatorValueFactory(indicator=m1, period_start=dt.date(2024, 1, 1), value=30)
    url = values_url("M1-A")
    body = key_m1.get(url).json()
    assert body["count"] == 11
    first = body["results"][0]
    assert set(first) == VALUE_FIELDS
    assert first["period"] == "2015" and first["value"] == "15"
    assert first["approved_by"] == "godkjenner" and first["status"] == "approved"
    ranged = key_m1.get(url, {"from": "2020", "to": "2022"}).json()
    assert [v["period"] for v in ranged["results"]] == ["2020", "2021", "2022"]
    pending = key_m1.get(url, {"status": "submitted"}).json()["results"]
    assert [v["value"] for v in pending] == ["30"]
    newest = key_m1.get(url, {"ordering": "-period"}).json()["results"]
    assert newest[0]["period"] == "2024"
    quarters = key_m1.get(url, {"from": "2024-Q1", "to": "2024-06"}).json()
    assert quarters["count"] == 2


@pytest.mark.parametrize(
    "params",
    [
        {"from": "last year"},
        {"to": "2024-Q5"},
        {"status": "lost"},
        {"ordering": "value"},
    ],
)
def test_values_list_bad_filter_is_400(key_m1, m1, params):
    assert_error(key_m1.get(values_url("M1-A"), params), 400, "invalid")


def test_values_list_shows_history_on_request(key_m1, m1):
    push(key_m1, values_url("M1-A"), {"period": "2024", "value": "1"})
    push(key_m1, values_url("M1-A"), {"period": "2024", "value": "2", "comment": "fix"})
    assert key_m1.get(values_url("M1-A")).json()["count"] == 1
    assert key_m1.get(values_url("M1-A"), {"history": "true"}).json()["count"] == 2


@pytest.mark.parametrize("years", [3, 60])
def test_values_list_query_count_does_not_grow(
    key_m1, m1, approver, years, django_assert_num_queries
):
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=m1,
            period_start=dt.date(1990 + y, 1, 1),
            granularity="annual",
            value=Decimal(y),
            status="approved",
            source="api",
            entered_at=dt.datetime.now(dt.UTC),
            approved_at=dt.datetime.now(dt.UTC),
            approved_by=approver,
        )
        for y in range(years)
    )
    key_m1.get(values_url("M1-A"))  # records the key's last use
    # key, roles, indicator, count, page
    with django_assert_num_queries(5):
        body = key_m1.get(values_url("M1-A"), {"page_size": 1000}).json()
    assert len(body["results"]) == years


@pytest.mark.parametrize("count", [2, 40])
def test_indicator_list_query_count_does_not_grow(
    key_m1, real_strategy, count, django_assert_num_queries
):
    for i in range(count):
        IndicatorFactory(code=f"Q{i}", goal=Goal.objects.get(code="M4"))
    key_m1.get(f"{API}/indicators/")
    with django_assert_num_queries(5):  # key, roles, count, page, breakdowns
        key_m1.get(f"{API}/indicators/")


@pytest.mark.parametrize("count", [2, 40])
def test_bulk_query_count_does_not_grow(
    real_strategy, count, django_assert_num_queries
):
    goal = Goal.objects.get(code="M1")
    for i in range(count):
        IndicatorFactory(code=f"Q{i}", goal=goal, unit="count")
    client = client_with(
        create_key("--name", "k", "--role", "Integrasjon", "--scope", "M1")
    )
    items = [
        {"indicator": f"Q{i}", "period": "2024", "value": "1"} for i in range(count)
    ]
    with django_assert_num_queries(QUERIES_PER_BULK):
        assert push(client, BULK, items).json()["created"] == count


# --- Approval ------------------------------------------------------------------------


@pytest.fixture
def submitted(key_m1, m1):
    push(
        key_m1,
        values_url("M1-A"),
        [{"period": "2023", "value": "50"}, {"period": "2024", "value": "55"}],
    )
    return IndicatorValue.objects.order_by("period_start")


def test_approver_approves_submitted_values(submitted, approver_api):
    items = [
        {"indicator": "M1-A", "period": "2023"},
        {"indicator": "M1-A", "period": "2024"},
    ]
    response = push(approver_api, APPROVE, {"items": items})
    assert response.status_code == 200, response.content
    assert response.json()["approved"] == 2
    assert {v.status for v in submitted} == {"approved"}
    assert_error(push(approver_api, APPROVE, {"items": items}), 409, "conflict")


def test_approver_rejects_with_a_reason(submitted, approver_api):
    items = [{"indicator": "M1-A", "period": "2024"}]
    assert_error(push(approver_api, REJECT, {"items": items}), 400, "invalid")
    assert_error(
        push(approver_api, REJECT, {"items": items, "reason": "   "}), 400, "invalid"
    )
    response = push(approver_api, REJECT, {"items": items, "reason": "Counts twice"})
    assert response.status_code == 200, response.content
    value = submitted.get(period_start=dt.date(2024, 1, 1))
    assert value.status == "rejected" and value.rejection_reason == "Counts twice"


def test_nobody_approves_their_own_value(m1):
    raw = create_key("--name", "both", "--role", "Godkjenner", "--scope", "M1")
    client = client_with(raw)
    user = ApiKey.objects.get(name="both").user
    user.groups.add(Group.objects.get(name=Role.SECRETARIAT))
    assert (
        push(client, values_url("M1-A"), {"period": "2024", "value": "1"}).status_code
        == 200
    )
    items = [{"indicator": "M1-A", "period": "2024"}]
    error = assert_error(
        push(client, APPROVE, {"items": items}), 403, "permission_denied"
    )
    assert "M1-A 2024" in error["message"]
    error = assert_error(
        push(client, REJECT, {"items": items, "reason": "x"}), 403, "permission_denied"
    )
    assert IndicatorValue.objects.get().status == "submitted"


@pytest.mark.parametrize("reason", ["=1+1", " =1+1", "\n=1+1", "\u00a0@SUM(A1)"])
def test_a_reject_reason_that_could_run_as_a_formula_is_400(
    submitted, approver_api, reason
):
    items = [{"indicator": "M1-A", "period": "2024"}]
    response = push(approver_api, REJECT, {"items": items, "reason": reason})
    assert "reason" in assert_error(response, 400, "invalid")["details"]
    assert {v.status for v in submitted} == {"submitted"}


def test_approver_key_is_held_to_its_scope(submitted, m2):
    client = client_with(
        create_key("--name", "g", "--role", "Godkjenner", "--scope", "M2")
    )
    items = [{"indicator": "M1-A", "period": "2024"}]
    assert_error(push(client, APPROVE, {"items": items}), 403, "permission_denied")
    body = {"items": items, "reason": "x"}
    assert_error(push(client, REJECT, body), 403, "permission_denied")
    assert {v.status for v in submitted} == {"submitted"}


@pytest.mark.parametrize(
    "fixture", ["secretariat", "integration_user", "council_member"]
)
def test_only_approvers_decide(submitted, request, fixture):
    client = session(request.getfixturevalue(fixture))
    items = [{"indicator": "M1-A", "period": "2024"}]
    assert_error(push(client, APPROVE, {"items": items}), 403, "permission_denied")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"items": []},
        {"items": "M1-A"},
        [{"indicator": "M1-A", "period": "2024"}],
        {"items": [{"indicator": "NOPE", "period": "2024"}]},
        {"items": [{"indicator": "M1-A", "period": "2024-Q1"}]},
        {"items": [{"indicator": "M1-A", "period": "2024", "extra": 1}]},
        {"items": [{"indicator": "M1-A"}]},
        {"items": [{"indicator": "M1-A", "period": "2024"}], "extra": 1},
    ],
)
def test_bad_decision_bodies_are_400(submitted, approver_api, body):
    assert_error(push(approver_api, APPROVE, body), 400, "invalid")


def test_too_many_decisions_are_413(submitted, approver_api):
    items = [{"indicator": "M1-A", "period": "2024"}] * (MAX_BATCH_ITEMS + 1)
    assert_error(push(approver_api, APPROVE, {"items": items}), 413, "too_large")


def test_nothing_waiting_is_409(m1, approver_api):
    items = [{"indicator": "M1-A", "period": "2020"}]
    error = assert_error(push(approver_api, APPROVE, {"items": items}), 409, "conflict")
    assert "M1-A 2020" in error["message"]


def test_approved_value_re_pushed_is_unchanged(submitted, approver_api, key_m1):
    items = [{"indicator": "M1-A", "period": "2024"}]
    push(approver_api, APPROVE, {"items": items})
    again = push(key_m1, values_url("M1-A"), {"period": "2024", "value": "55.000"})
    assert again.json()["unchanged"] == 1


def test_schema_validates_and_documents_every_endpoint(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in (
        "/api/v1/indicators/{code}/values/",
        "/api/v1/values/bulk/",
        "/api/v1/values/approve/",
        "/api/v1/values/reject/",
        "/api/v1/indicators/{code}/progress/",
        "/api/v1/meetings/{id}/",
        "/api/v1/decisions/",
    ):
        assert path in text, path
    assert "'413'" in text and "'415'" in text


def test_error_body_is_json_even_for_a_huge_number_as_json(key_m1):
    raw = json.dumps([{"indicator": "M1-A", "period": "2024", "value": "1"}]).replace(
        '"1"', "1" + "0" * 5000
    )
    response = key_m1.post(BULK, raw, content_type="application/json")
    assert response.status_code == 400


FUZZ_BODIES = [
    b"null",
    b"[" * 50_000,
    b"{" * 50_000,
    b'"x"',
    b"1",
    b"[null]",
    b'{"items": null}',
    b'{"items": [null]}',
    b'{"items": [[]]}',
    b'{"reason": 5, "items": [{"indicator": 1, "period": 2}]}',
    b"\x00",
    b'{"goal": {"$gt": 1}}',
    b'{"owner": "nobody"}',
    b'{"effective_from": "2024-02-30", "target_value": "1"}',
    b'{"target_year": 1e400}',
    b'{"baseline_year": "2020.5"}',
]
WRITE_URLS = [
    f"{API}/indicators/",
    f"{API}/indicators/M1-A/",
    values_url("M1-A"),
    BULK,
    APPROVE,
    REJECT,
]


@pytest.mark.parametrize("body", FUZZ_BODIES)
def test_no_body_gives_a_server_error(m1, body):
    user = UserFactory(username="all", roles=[Role.SECRETARIAT, Role.APPROVER])
    client = session(user)
    for url in WRITE_URLS:
        for method in (client.post, client.patch):
            response = method(url, body, content_type="application/json")
            assert response.status_code < 500, (url, response.content[:300])
            assert "error" in response.json() or response.status_code < 300


def test_a_body_over_the_byte_limit_is_413(key_m1, monkeypatch):
    from core import api as core_api

    monkeypatch.setattr(core_api, "MAX_BODY_BYTES", 100)
    item = {"indicator": "M1-A", "period": "2024", "value": "1", "comment": "x" * 200}
    error = assert_error(push(key_m1, BULK, [item]), 413, "too_large")
    assert "MB" in error["message"]


@pytest.mark.parametrize("reason", [0, 1.5, True, ["x"]])
def test_a_change_reason_that_is_not_text_is_refused(m1, secretariat, reason):
    """Found by schemathesis: DRF's CharField took 0 as "0"."""
    response = session(secretariat).patch(
        f"{API}/indicators/M1-A/",
        {"target_value": "85", "change_reason": reason, "effective_from": "2026-03-12"},
        format="json",
    )
    assert "change_reason" in assert_error(response, 400, "invalid")["details"]
    m1.refresh_from_db()
    assert m1.target_value != 85


def test_an_empty_as_of_means_today_as_the_schema_says(m1, council_member):
    response = session(council_member).get(f"{API}/indicators/M1-A/progress/?as_of=")
    assert response.status_code in (200, 404), response.content
    schema = session(council_member).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/indicators/{code}/progress/"]["get"]
    as_of = next(p for p in operation["parameters"] if p["name"] == "as_of")
    assert as_of["allowEmptyValue"] is True
