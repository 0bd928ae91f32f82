"""Initiatives: contribution links, status reports, overdue flags and warnings."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.models import ProgressSnapshot
from initiatives.models import IndicatorContribution, Initiative, StatusReport
from initiatives.selectors import council_warnings, initiative_rows
from initiatives.services import initiative_update, status_report_save
from tests.factories import (
    DeliveryFactory,
    GoalFactory,
    IndicatorFactory,
    InitiativeFactory,
    OrganisationFactory,
    StatusReportFactory,
    SubGoalFactory,
)

TODAY = timezone.localdate()
LIST = reverse("initiatives:list")


def snapshot(indicator, status, *, days_ago=0, computed_minutes_ago=0):
    now = timezone.now()
    return ProgressSnapshot.objects.create(
        indicator=indicator,
        as_of=TODAY - dt.timedelta(days=days_ago),
        computed_at=now - dt.timedelta(minutes=computed_minutes_ago),
        inputs_fingerprint=f"{status}-{days_ago}-{computed_minutes_ago}",
        method="test",
        status=status,
    )


def reported(initiative, *, months_ago: float, period="2026-T1", rag="green"):
    report = StatusReportFactory(initiative=initiative, period=period, rag=rag)
    when = timezone.now() - dt.timedelta(days=30.5 * months_ago)
    StatusReport.objects.filter(pk=report.pk).update(reported_at=when)
    return report


def row_of(initiative):
    (row,) = initiative_rows(today=TODAY, initiative_ids=[initiative.id])
    return row


# --- Editing initiatives -----------------------------------------------------


@pytest.mark.django_db
def test_the_secretariat_links_organisations_goals_and_indicators():
    initiative = InitiativeFactory()
    org = OrganisationFactory()
    goal = GoalFactory()
    sub_goal = SubGoalFactory(goal=goal)
    kept, dropped = IndicatorFactory(), IndicatorFactory()
    IndicatorContribution.objects.create(initiative=initiative, indicator=dropped)

    initiative_update(
        initiative=initiative,
        name_en="Digital power of attorney",
        description_nb="Ny beskrivelse",
        responsible=[org],
        linked_goals=[goal],
        linked_sub_goals=[sub_goal],
        indicators=[kept],
    )
    initiative.refresh_from_db()
    assert initiative.name_en == "Digital power of attorney"
    assert list(initiative.responsible.all()) == [org]
    assert list(initiative.linked_goals.all()) == [goal]
    assert list(initiative.linked_sub_goals.all()) == [sub_goal]
    assert list(initiative.indicators.all()) == [kept]
    assert list(kept.initiatives.all()) == [initiative]
    removal = IndicatorContribution.history.filter(history_type="-").get()
    assert removal.indicator_id == dropped.id
    assert initiative.history.count() >= 2


@pytest.mark.django_db
def test_saving_an_unchanged_initiative_adds_no_history():
    initiative = InitiativeFactory(description_nb="Tekst")
    before = initiative.history.count()
    initiative_update(
        initiative=initiative,
        name_en="",
        description_nb="Tekst",
        responsible=[],
        linked_goals=[],
        linked_sub_goals=[],
        indicators=[],
    )
    assert initiative.history.count() == before


# --- Status reports ----------------------------------------------------------


@pytest.mark.django_db
def test_a_second_report_for_a_period_corrects_it_and_history_keeps_the_first(
    secretariat,
):
    initiative = InitiativeFactory()
    first = status_report_save(
        initiative=initiative,
        period="2026-T2",
        rag="green",
        narrative="Alt i rute",
        user=secretariat,
    )
    second = status_report_save(
        initiative=initiative,
        period="2026-T2",
        rag="amber",
        narrative="Forsinket leverandør",
        risks="Leverandør",
        next_milestones="Pilot i mars",
        user=secretariat,
    )
    assert first.pk == second.pk
    assert StatusReport.objects.count() == 1
    history = list(StatusReport.history.order_by("history_id"))
    assert [(h.rag, h.narrative) for h in history] == [
        ("green", "Alt i rute"),
        ("amber", "Forsinket leverandør"),
    ]
    assert second.reported_by == secretariat


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("period", "rag", "field"),
    [
        ("2026-T4", "green", "period"),
        ("våren", "green", "period"),
        ("2026-T1", "blue", "rag"),
    ],
)
def test_a_report_with_a_bad_period_or_rag_is_refused(period, rag, field):
    with pytest.raises(ValidationError) as caught:
        status_report_save(
            initiative=InitiativeFactory(), period=period, rag=rag, narrative="x"
        )
    assert field in caught.value.message_dict
    assert not StatusReport.objects.exists()


@pytest.mark.django_db
def test_an_initiative_without_any_report_is_overdue():
    row = row_of(InitiativeFactory())
    assert row.report_overdue and row.last_reported_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("months_ago", "overdue"), [(1, False), (3.8, False), (4.3, True)]
)
def test_overdue_when_the_last_report_is_older_than_four_months(months_ago, overdue):
    initiative = InitiativeFactory()
    reported(initiative, months_ago=months_ago)
    assert row_of(initiative).report_overdue is overdue


@pytest.mark.django_db
def test_the_reporting_interval_is_configurable(settings):
    initiative = InitiativeFactory()
    reported(initiative, months_ago=5, period="2025-T3")
    assert row_of(initiative).report_overdue
    settings.INITIATIVE_REPORT_INTERVAL_MONTHS = 6
    assert not row_of(initiative).report_overdue


@pytest.mark.django_db
def test_the_newest_report_of_any_period_keeps_an_initiative_current():
    initiative = InitiativeFactory()
    reported(initiative, months_ago=8, period="2026-T1")
    reported(initiative, months_ago=1, period="2025-T3")  # a late report
    row = row_of(initiative)
    assert not row.report_overdue
    assert row.latest_report.period == "2026-T1"  # the latest period


# --- Warnings ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_delivery_past_its_end_date_and_not_in_use_is_late():
    yesterday = TODAY - dt.timedelta(days=1)
    initiative = InitiativeFactory()
    late = DeliveryFactory(
        initiative=initiative, phase="Tilpasning - innføring", end_date=yesterday
    )
    DeliveryFactory(initiative=initiative, phase="I bruk", end_date=yesterday)
    DeliveryFactory(initiative=initiative, phase="Innføring", end_date=TODAY)
    DeliveryFactory(initiative=initiative, phase="Konsept")
    DeliveryFactory(
        initiative=initiative,
        phase="Konsept",
        end_date=yesterday,
        removed_in_version="2026-12",
    )
    warnings = council_warnings(today=TODAY)
    assert [d.delivery.roadmap_id for d in warnings.late_deliveries] == [
        late.roadmap_id
    ]
    assert row_of(initiative).late_count == 1


@pytest.mark.django_db
def test_green_while_an_indicator_it_should_move_deteriorates_is_flagged():
    initiative = InitiativeFactory()
    worse, fine = IndicatorFactory(), IndicatorFactory()
    for indicator in (worse, fine):
        IndicatorContribution.objects.create(initiative=initiative, indicator=indicator)
    snapshot(worse, "substantial_progress", days_ago=30)
    snapshot(worse, "deterioration")
    snapshot(fine, "deterioration", days_ago=30)
    snapshot(fine, "moderate_progress")
    reported(initiative, months_ago=1, rag="green")

    row = row_of(initiative)
    assert [flag.code for flag in row.green_but_worsening] == [worse.code]
    warnings = council_warnings(today=TODAY)
    assert [r.initiative for r in warnings.green_but_worsening] == [initiative]


@pytest.mark.django_db
def test_the_newest_snapshot_counts_by_as_of_then_computed_at():
    initiative = InitiativeFactory()
    indicator = IndicatorFactory()
    IndicatorContribution.objects.create(initiative=initiative, indicator=indicator)
    reported(initiative, months_ago=1, rag="green")
    snapshot(indicator, "substantial_progress", computed_minutes_ago=5)
    snapshot(indicator, "limited_progress", computed_minutes_ago=10)
    assert row_of(initiative).green_but_worsening == []
    snapshot(indicator, "limited_progress", computed_minutes_ago=1)
    assert [f.status for f in row_of(initiative).green_but_worsening] == [
        "limited_progress"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("rag", ["amber", "red"])
def test_only_green_reports_are_questioned(rag):
    initiative = InitiativeFactory()
    indicator = IndicatorFactory()
    IndicatorContribution.objects.create(initiative=initiative, indicator=indicator)
    snapshot(indicator, "deterioration")
    reported(initiative, months_ago=1, rag=rag)
    assert row_of(initiative).green_but_worsening == []


@pytest.mark.django_db
def test_an_older_green_report_does_not_count_when_the_latest_is_amber():
    initiative = InitiativeFactory()
    indicator = IndicatorFactory()
    IndicatorContribution.objects.create(initiative=initiative, indicator=indicator)
    snapshot(indicator, "deterioration")
    reported(initiative, months_ago=5, period="2025-T3", rag="green")
    reported(initiative, months_ago=1, period="2026-T1", rag="amber")
    assert row_of(initiative).green_but_worsening == []


# --- Pages -------------------------------------------------------------------


def detail_url(initiative, name="detail"):
    return reverse(f"initiatives:{name}", args=[initiative.code])


@pytest.mark.django_db
def test_pages_need_a_login_and_a_web_role(client, integration_user, outsider):
    initiative = InitiativeFactory()
    urls = [
        LIST,
        detail_url(initiative),
        detail_url(initiative, "edit"),
        detail_url(initiative, "status_report"),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    for user in (integration_user, outsider):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403


def test_council_member_reads_but_does_not_edit(
    client, council_member, imported_roadmap
):
    initiative = Initiative.objects.get(name_nb="Innsynstjenester gjennom Helsenorge")
    client.force_login(council_member)
    response = client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 54
    detail = client.get(detail_url(initiative))
    assert detail.status_code == 200
    assert "Pasientoppsummering" in detail.content.decode()
    assert "Edit the initiative" not in detail.content.decode()
    assert client.get(detail_url(initiative, "edit")).status_code == 403
    assert client.post(detail_url(initiative, "status_report"), {}).status_code == 403


def test_an_unknown_initiative_is_404(client, council_member):
    client.force_login(council_member)
    assert client.get(reverse("initiatives:detail", args=["X-99"])).status_code == 404


@pytest.mark.django_db
def test_secretariat_edits_an_initiative(client, secretariat):
    initiative = InitiativeFactory()
    org = OrganisationFactory()
    indicator = IndicatorFactory()
    client.force_login(secretariat)
    url = detail_url(initiative, "edit")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "description_nb": "Beskrivelse",
            "responsible": [org.pk],
            "indicators": [indicator.pk],
        },
    )
    assert response.status_code == 302
    assert list(initiative.responsible.all()) == [org]
    assert list(initiative.indicators.all()) == [indicator]
    assert initiative.history.first().history_user == secretariat


@pytest.mark.django_db
def test_an_invalid_edit_shows_the_error_and_changes_nothing(client, secretariat):
    initiative = InitiativeFactory()
    client.force_login(secretariat)
    response = client.post(detail_url(initiative, "edit"), {"responsible": [99999]})
    assert response.status_code == 200
    assert "responsible" in response.context["form"].errors
    assert not initiative.responsible.exists()


@pytest.mark.django_db
def test_secretariat_reports_status(client, secretariat):
    initiative = InitiativeFactory()
    client.force_login(secretariat)
    url = detail_url(initiative, "status_report")
    assert client.get(url).status_code == 200
    data = {
        "period": "2026-T3",
        "rag": "red",
        "narrative": "Stanset",
        "risks": "Finansiering",
        "next_milestones": "Ny plan",
    }
    assert client.post(url, data).status_code == 302
    report = StatusReport.objects.get()
    assert (report.rag, report.reported_by) == ("red", secretariat)

    existing = client.get(url, {"period": "2026-T3"})
    assert existing.context["existing"] == report
    assert client.post(url, {**data, "rag": "amber"}).status_code == 302
    assert StatusReport.objects.get().rag == "amber"
    detail = client.get(detail_url(initiative)).content.decode()
    assert "Stanset" in detail and "Finansiering" in detail


@pytest.mark.django_db
def test_a_bad_status_report_is_refused_with_a_message(client, secretariat):
    initiative = InitiativeFactory()
    client.force_login(secretariat)
    url = detail_url(initiative, "status_report")
    response = client.post(url, {"period": "2026-T9", "rag": "green", "narrative": "x"})
    assert response.status_code == 200
    assert "2026-T2" in str(response.context["form"].errors["period"])
    response = client.post(url, {"period": "2026-T1", "rag": "purple", "narrative": ""})
    assert {"rag", "narrative"} <= set(response.context["form"].errors)
    assert not StatusReport.objects.exists()


@pytest.mark.django_db
def test_wrong_methods_on_initiative_pages(client, secretariat):
    initiative = InitiativeFactory()
    client.force_login(secretariat)
    assert client.post(LIST).status_code == 405
    assert client.delete(detail_url(initiative)).status_code == 405
    assert client.put(detail_url(initiative, "edit")).status_code == 405


def _initiatives_with_data(count: int) -> Initiative:
    sub_goal = SubGoalFactory()
    for n in range(count):
        initiative = InitiativeFactory(sub_goal=sub_goal)
        indicator = IndicatorFactory(goal=sub_goal.goal)
        IndicatorContribution.objects.create(initiative=initiative, indicator=indicator)
        snapshot(indicator, "deterioration")
        DeliveryFactory.create_batch(
            2,
            initiative=initiative,
            phase="Innføring",
            end_date=TODAY - dt.timedelta(days=n + 1),
        )
        reported(initiative, months_ago=1)
        reported(initiative, months_ago=5, period="2025-T2")
    return initiative


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 12])
def test_list_query_count_does_not_grow(
    client, council_member, django_assert_max_num_queries, count
):
    _initiatives_with_data(count)
    client.force_login(council_member)
    # session, user, roles; initiatives, late counts, reports, indicator links;
    # late deliveries; saving the session (savepoint, update, release)
    with django_assert_max_num_queries(11):
        response = client.get(LIST)
    assert len(response.context["warnings"].green_but_worsening) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 12])
def test_detail_query_count_does_not_grow(
    client, secretariat, django_assert_max_num_queries, count
):
    initiative = _initiatives_with_data(count)
    StatusReportFactory.create_batch(count, initiative=initiative)
    initiative.responsible.set(OrganisationFactory.create_batch(count))
    client.force_login(secretariat)
    # session, user, roles; initiative + 3 prefetches; its row (4); reports,
    # report history, deliveries; saving the session (3)
    with django_assert_max_num_queries(17):
        response = client.get(detail_url(initiative))
    assert response.status_code == 200
    # session, user, roles, initiative + 3 prefetches, the four choice lists,
    # saving the session (3)
    with django_assert_max_num_queries(15):
        assert client.get(detail_url(initiative, "edit")).status_code == 200
    # session, user, roles, initiative + 3 prefetches, existing report, saving
    # the session (3)
    with django_assert_max_num_queries(11):
        assert client.get(detail_url(initiative, "status_report")).status_code == 200
