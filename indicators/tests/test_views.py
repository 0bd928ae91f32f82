"""The secretariat's and approver's pages: access, entry, corrections, approval."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, IndicatorTargetChange, IndicatorValue
from indicators.tests.helpers import detail, enter
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
# Session, user, roles and page queries; the point is that it does not grow.
MAX_QUERIES = 10
# The detail page also reads its snapshot, official series and provisional values,
# and its definition's saved history and target changes (as they apply); an
# indicator that declares no breakdown reads nothing of series.
DETAIL_MAX_QUERIES = MAX_QUERIES + 5


PAGES = [
    ("get", lambda: reverse("indicators:list")),
    ("get", lambda: detail()),
    ("get", lambda: reverse("indicators:create")),
    ("get", lambda: reverse("indicators:edit", args=["IND-X"])),
    ("get", lambda: reverse("indicators:approvals")),
    ("get", lambda: reverse("indicators:import_new")),
    ("get", lambda: reverse("indicators:export") + "?indicator=IND-X"),
    ("post", lambda: enter()),
]


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_anonymous_is_sent_to_login(client, indicator, method, url):
    response = getattr(client, method)(url())
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_integration_role_gets_403_on_every_page(
    client, indicator, integration_user, method, url
):
    client.force_login(integration_user)
    assert getattr(client, method)(url()).status_code == 403


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (lambda: reverse("indicators:list"), 200),
        (lambda: detail(), 200),
        (lambda: reverse("indicators:export") + "?indicator=IND-X", 200),
        (lambda: reverse("indicators:create"), 403),
        (lambda: reverse("indicators:approvals"), 403),
        (lambda: reverse("indicators:import_new"), 403),
    ],
)
def test_council_member_reads_but_does_not_write(
    client, indicator, council_member, url, expected
):
    client.force_login(council_member)
    assert client.get(url()).status_code == expected


def test_council_member_cannot_post_a_value(client, indicator, council_member):
    client.force_login(council_member)
    response = client.post(enter(), {"period": "2024", "value": "5"})
    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


def test_council_member_sees_no_entry_form(client, indicator, council_member):
    client.force_login(council_member)
    assert 'id="entry"' not in client.get(detail()).content.decode()


def test_wrong_method_is_refused(client, indicator, secretariat):
    client.force_login(secretariat)
    assert client.get(enter()).status_code == 405
    assert client.delete(detail()).status_code == 405


def test_unknown_indicator_is_404(client, secretariat):
    client.force_login(secretariat)
    assert client.get(detail("NOPE")).status_code == 404


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("12,5", "12.5"), ("1 234,5", "1234.5"), ("1\u00a0234,5", "1234.5")],
)
def test_norwegian_decimal_input_is_accepted(
    client, indicator, secretariat, typed, stored
):
    client.force_login(secretariat)
    response = client.post(enter(), {"period": "2024", "value": typed})
    assert response.status_code == 302
    value = IndicatorValue.objects.get()
    assert value.value == Decimal(stored)
    assert value.status == "submitted" and value.entered_by == secretariat


def test_values_are_shown_back_in_norwegian_format(client, indicator, secretariat):
    IndicatorValueFactory(indicator=indicator, value=Decimal("1234.5"))
    client.force_login(secretariat)
    client.cookies["django_language"] = "nb"
    html = client.get(detail()).content.decode()
    assert "1\u00a0234,5" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period": "2024", "value": "tolv"}, "value", "is not a number"),
        ({"period": "2024", "value": "=1+1"}, "value", "is not a number"),
        ({"period": "2024-Q3", "value": "1"}, "period", "quarterly period"),
        ({"period": "2099", "value": "1"}, "period", "future"),
        ({"period": "24", "value": "1"}, "period", "is not a period"),
        ({"period": "2024", "value": ""}, "value", "required"),
    ],
)
def test_bad_input_gives_a_specific_error_tied_to_its_field(
    client, indicator, secretariat, data, field, message
):
    client.force_login(secretariat)
    response = client.post(enter(), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'aria-describedby="id_{field}_' in html and f"id_{field}_error" in html
    assert not IndicatorValue.objects.exists()


def test_percent_outside_0_to_100_is_refused(client, secretariat):
    IndicatorFactory(code="PCT", unit="percent")
    client.force_login(secretariat)
    response = client.post(enter("PCT"), {"period": "2024", "value": "101"})
    assert response.status_code == 400
    assert "between 0 and 100" in response.content.decode()


def test_a_correction_without_comment_is_refused_on_the_comment(
    client, indicator, secretariat
):
    IndicatorValueFactory(indicator=indicator, value=Decimal(5))
    client.force_login(secretariat)
    response = client.post(enter(), {"period": "2024", "value": "6"})
    assert response.status_code == 400
    assert "comment" in response.context["form"].errors["comment"][0]
    response = client.post(enter(), {"period": "2024", "value": "6", "comment": "x"})
    assert response.status_code == 302
    assert indicator.values.count() == 2


def test_a_draft_can_be_sent_for_approval(client, indicator, secretariat):
    client.force_login(secretariat)
    client.post(enter(), {"period": "2024", "value": "6", "draft": "on"})
    draft = IndicatorValue.objects.get()
    assert draft.status == "draft"
    url = reverse("indicators:value_submit", args=["IND-X", draft.pk])
    assert client.post(url).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"


def test_detail_query_count_does_not_grow(
    client, secretariat, django_assert_max_num_queries
):
    indicator = IndicatorFactory(code="IND-X", frequency="quarterly")
    client.force_login(secretariat)

    def fill(years):
        for year in years:
            for month in (1, 4, 7, 10):
                IndicatorValueFactory(
                    indicator=indicator,
                    granularity="quarterly",
                    period_start=dt.date(year, month, 1),
                    entered_by=secretariat,
                )

    fill([2020])
    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        assert client.get(detail()).status_code == 200
    fill([2021, 2022, 2023])
    with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
        assert client.get(detail()).status_code == 200


# --- Indicator definitions ----------------------------------------------------


def indicator_data(goal, **extra):
    return {
        "code": "NEW-1",
        "goal": goal.pk,
        "name_nb": "Andel",
        "unit": "percent",
        "direction": "increase",
        "target_year": "2030",
        "frequency": "annual",
        **extra,
    }


def test_secretariat_defines_an_indicator(client, secretariat):
    goal = GoalFactory()
    client.force_login(secretariat)
    response = client.post(
        reverse("indicators:create"),
        indicator_data(goal, baseline_value="57,5", baseline_year="2022"),
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="NEW-1")
    assert indicator.baseline_value == Decimal("57.5")
    assert indicator.history.get().history_user == secretariat


def test_direction_is_required(client, secretariat):
    goal = GoalFactory()
    client.force_login(secretariat)
    response = client.post(
        reverse("indicators:create"), indicator_data(goal, direction="")
    )
    assert response.status_code == 400
    assert "direction" in response.context["form"].errors
    assert not Indicator.objects.exists()


def test_codes_used_by_page_addresses_are_refused(client, secretariat):
    client.force_login(secretariat)
    data = indicator_data(GoalFactory(), code="approvals")
    response = client.post(reverse("indicators:create"), data)
    assert response.status_code == 400 and "code" in response.context["form"].errors


BAD_CODES = [
    "A/B",  # a 500 with the row saved; then every indicator page 500ed
    "..",  # its link resolved to /
    "A..B",
    ".hidden",
    "A B",
    "=1+1",
    "-1",
    "@A",
    "ＤＥＭＯ-M1-1",  # fullwidth
    "DEMO\u200b-M1-1",  # a zero-width space
    "DÉMO-1",
    "A%00",
]


@pytest.mark.parametrize("code", BAD_CODES)
def test_the_form_refuses_codes_outside_the_code_rule(client, secretariat, code):
    client.force_login(secretariat)
    response = client.post(
        reverse("indicators:create"), indicator_data(GoalFactory(), code=code)
    )
    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert not Indicator.objects.exists()


def test_a_code_differing_only_in_case_is_refused(client, secretariat):
    IndicatorFactory(code="DEMO-M1-1")
    client.force_login(secretariat)
    response = client.post(
        reverse("indicators:create"), indicator_data(GoalFactory(), code="demo-m1-1")
    )
    assert response.status_code == 400
    assert "same" in str(response.context["form"].errors["code"])
    assert list(Indicator.objects.values_list("code", flat=True)) == ["DEMO-M1-1"]


def test_the_database_refuses_codes_outside_the_rule():
    from tests.helpers import assert_refused

    goal = GoalFactory()
    assert_refused("indicator_code_valid", lambda: IndicatorFactory(code="A/B"))
    assert_refused("indicator_code_valid", lambda: IndicatorFactory(code="A..B"))
    IndicatorFactory(code="DEMO-M1-1", goal=goal)
    assert_refused(
        "indicator_code_unique_ignoring_case",
        lambda: IndicatorFactory(code="demo-m1-1", goal=goal),
    )


def test_the_code_help_says_the_rule(client, secretariat):
    client.force_login(secretariat)
    html = client.get(reverse("indicators:create")).content.decode()
    assert "starting with a letter or a digit" in html


def test_changing_the_target_needs_reason_and_date(client, secretariat):
    indicator = IndicatorFactory(code="NEW-1", target_value=Decimal(80))
    client.force_login(secretariat)
    url = reverse("indicators:edit", args=["NEW-1"])
    data = indicator_data(indicator.goal, target_value="85")
    response = client.post(url, data)
    assert response.status_code == 400
    assert not IndicatorTargetChange.objects.exists()
    data.update(change_reason="Revised strategy", effective_from="2026-01-01")
    assert client.post(url, data).status_code == 302
    change = IndicatorTargetChange.objects.get()
    assert change.target_value == 85 and change.changed_by == secretariat
    assert "Revised strategy" in client.get(detail("NEW-1")).content.decode()


# --- Approval -----------------------------------------------------------------


def test_approval_queue_is_oldest_first_and_bulk_approves(
    client, secretariat, approver
):
    now = timezone.now()
    newer = IndicatorValueFactory(entered_by=secretariat, entered_at=now)
    older = IndicatorValueFactory(
        entered_by=secretariat, entered_at=now - dt.timedelta(days=2)
    )
    client.force_login(approver)
    response = client.get(reverse("indicators:approvals"))
    assert [i.value for i in response.context["queue"].items] == [older, newer]
    response = client.post(
        reverse("indicators:approvals"),
        {"values": [older.pk, newer.pk], "action": "approve"},
    )
    assert response.status_code == 302
    assert set(IndicatorValue.objects.values_list("status", flat=True)) == {"approved"}
    assert IndicatorValue.objects.filter(approved_by=approver).count() == 2


def test_approver_cannot_approve_own_value_through_the_page(client):
    both = UserFactory(roles=["Sekretariat", "Godkjenner"])
    value = IndicatorValueFactory(entered_by=both)
    client.force_login(both)
    response = client.post(
        reverse("indicators:approvals"), {"values": [value.pk], "action": "approve"}
    )
    assert response.status_code == 400
    assert "entered by you" in response.content.decode()
    value.refresh_from_db()
    assert value.status == "submitted"


@pytest.mark.parametrize("reason", ["=1+1", " =1+1", "\n=1+1", "\u00a0=1+1"])
def test_a_rejection_reason_that_could_run_as_a_formula_is_refused(
    client, secretariat, approver, reason
):
    value = IndicatorValueFactory(entered_by=secretariat)
    client.force_login(approver)
    response = client.post(
        reverse("indicators:approvals"),
        {"values": [value.pk], "action": "reject", "reason": reason},
    )
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    value.refresh_from_db()
    assert value.status == "submitted" and value.rejection_reason == ""


def test_the_reject_service_checks_the_reason_itself(secretariat, approver):
    from indicators.services import ErrorCode, ValueRejected, values_reject

    value = IndicatorValueFactory(entered_by=secretariat)
    with pytest.raises(ValueRejected) as refused:
        values_reject(value_ids=[value.pk], user=approver, reason="\u00a0=1+1")
    assert refused.value.has(ErrorCode.INVALID)
    value.refresh_from_db()
    assert value.status == "submitted"


@pytest.mark.parametrize("comment", [" =1+1", "\n=1+1", "\u00a0=1+1"])
def test_a_value_comment_that_could_run_as_a_formula_is_refused(
    client, indicator, secretariat, comment
):
    client.force_login(secretariat)
    response = client.post(
        enter(), {"period": "2024", "value": "5", "comment": comment}
    )
    assert response.status_code == 400
    assert "comment" in response.context["form"].errors
    assert not IndicatorValue.objects.exists()


def test_an_import_comment_that_could_run_as_a_formula_is_refused(client, secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(secretariat)
    upload = SimpleUploadedFile("v.csv", b"indicator;period;value\nA;2023;5\n")
    response = client.post(
        reverse("indicators:import_new"), {"file": upload, "comment": " =1+1"}
    )
    assert response.status_code == 400
    assert "comment" in response.context["form"].errors


def test_rejection_needs_a_reason(client, secretariat, approver):
    value = IndicatorValueFactory(entered_by=secretariat)
    client.force_login(approver)
    url = reverse("indicators:approvals")
    response = client.post(url, {"values": [value.pk], "action": "reject"})
    assert response.status_code == 400
    response = client.post(
        url, {"values": [value.pk], "action": "reject", "reason": "Wrong year"}
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert value.status == "rejected"


def test_an_unknown_value_id_is_a_form_error(client, approver):
    client.force_login(approver)
    response = client.post(
        reverse("indicators:approvals"), {"values": ["999"], "action": "approve"}
    )
    assert response.status_code == 400


def test_list_shows_overdue_indicators_and_query_count_is_flat(
    client, council_member, django_assert_max_num_queries
):
    client.force_login(council_member)
    goal = GoalFactory()
    IndicatorFactory(code="OLD", goal=goal)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("indicators:list"))
    assert "Overdue" in response.content.decode()
    for _ in range(10):
        IndicatorFactory(goal=goal)
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("indicators:list"))


def test_nav_links_follow_the_role(client, council_member, approver):
    client.force_login(council_member)
    html = client.get(reverse("indicators:list")).content.decode()
    assert reverse("indicators:list") in html
    assert reverse("indicators:approvals") not in html
    client.force_login(approver)
    html = client.get(reverse("indicators:list")).content.decode()
    assert f'href="{reverse("indicators:approvals")}"' in html


def test_a_rejected_revision_shows_who_rejected_it_and_when(
    client, indicator, secretariat, approver
):
    from indicators.models import ValueInput
    from indicators.services import values_record, values_reject

    values_record(
        items=[ValueInput(indicator, dt.date(2024, 1, 1), Decimal("7"))],
        user=secretariat,
        source="form",
    )
    value = IndicatorValue.objects.get()
    values_reject(value_ids=[value.pk], user=approver, reason="feil kilde")
    rejected_at = IndicatorValue.history.get(history_change_reason="rejected")
    client.force_login(secretariat)
    client.cookies["django_language"] = "nb"
    html = client.get(detail()).content.decode()
    when = timezone.localtime(rejected_at.history_date).strftime("%d.%m.%Y %H:%M")
    assert f"<td>Avvist: {approver}, {when}</td>" in html
