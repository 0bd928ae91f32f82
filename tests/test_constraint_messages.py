"""A broken database rule reaches a person in plain words, never by the
constraint's name ("Begrensning «delivery_start_not_after_end» er brutt").

What a form shows, ours or the admin's: the model's validation checks the
constraints with their ``violation_error_message`` (indicators has its own
in indicators/tests/test_constraints.py).
"""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models import UniqueConstraint
from django.utils import translation

from councils.models import FollowUpAction, Membership
from initiatives.models import Delivery, StatusReport
from strategy.models import Strategy
from tests.factories import (
    CouncilFactory,
    DeliveryFactory,
    InitiativeFactory,
    MeetingFactory,
    StatusReportFactory,
)

APPS = ("core", "strategy", "initiatives", "councils")


def _rules():
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            for constraint in model._meta.constraints:
                yield model, constraint


def _named_by_django(constraint) -> bool:
    # A unique rule on plain fields that keeps Django's default message is
    # told as "… with this A and B already exists."; every other default
    # message is "Constraint “<name>” is violated.".
    return (
        isinstance(constraint, UniqueConstraint)
        and constraint.fields
        and constraint.condition is None
        and constraint.violation_error_message
        == constraint.default_violation_error_message
    )


@pytest.mark.parametrize(
    ("model", "constraint"),
    [rule for rule in _rules() if not _named_by_django(rule[1])],
    ids=lambda value: value.name if hasattr(value, "validate") else "",
)
@pytest.mark.parametrize("language", ["nb", "en"])
def test_every_rule_has_a_plain_message(model, constraint, language):
    with translation.override(language):
        message = str(constraint.get_violation_error_message())
    assert constraint.name not in message
    assert "Constraint" not in message and "Begrensning" not in message


def _admin_form(rf, admin_user, instance, **changes):
    """The admin's form for this row, posted with its current values changed."""
    request = rf.get("/")
    request.user = admin_user
    form_class = admin.site._registry[type(instance)].get_form(request, instance)
    shown = form_class(instance=instance)
    data = {}
    for name in shown.fields:
        value = shown[name].value()
        if value is not None:
            data[name] = value
    data.update({name: value for name, value in changes.items() if value is not None})
    for name in [name for name, value in changes.items() if value is None]:
        data.pop(name, None)
    return form_class(data=data, instance=instance)


def _errors(form) -> str:
    assert not form.is_valid()
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "changes", "constraint", "words"),
    [
        (
            lambda: DeliveryFactory(start_date=dt.date(2026, 1, 1)),
            {"end_date": dt.date(2025, 1, 1)},
            "delivery_start_not_after_end",
            {"nb": "Sluttdatoen kan ikke", "en": "end date cannot be before"},
        ),
        (
            lambda: Membership.objects.create(
                council=CouncilFactory(), person_name="Kari", role="medlem"
            ),
            {"start_date": dt.date(2026, 6, 1), "end_date": dt.date(2026, 1, 1)},
            "membership_start_not_after_end",
            {"nb": "Sluttdatoen kan ikke", "en": "end date cannot be before"},
        ),
        (
            lambda: Strategy.objects.create(
                title_nb="Strategi", start_year=2023, end_year=2030
            ),
            {"start_year": 2031},
            "strategy_start_before_end",
            {"nb": "første året", "en": "first year"},
        ),
    ],
    ids=["delivery", "membership", "strategy"],
)
def test_the_admin_tells_a_broken_rule_in_plain_words(
    rf, admin_user, make, changes, constraint, words
):
    instance = make()
    for language in ("nb", "en"):
        with translation.override(language):
            text = _errors(_admin_form(rf, admin_user, instance, **changes))
        assert constraint not in text
        assert words[language] in text, text


@pytest.mark.django_db
def test_a_follow_up_without_an_owner_is_told_so_in_the_admin(rf, admin_user):
    from core.models import Organisation
    from councils.services import agenda_item_add, decision_record

    meeting = MeetingFactory()
    item = agenda_item_add(meeting=meeting, title="Sak", kind="beslutning")
    decision = decision_record(agenda_item=item, text="Vedtak", decided_on=meeting.date)
    action = FollowUpAction.objects.create(
        decision=decision,
        description="Følg opp",
        due_date=meeting.date,
        responsible=Organisation.objects.create(name="Helsedirektoratet"),
    )
    with translation.override("nb"):
        text = _errors(
            _admin_form(rf, admin_user, action, responsible=None, assignee=None)
        )
    assert "followupaction_has_an_owner" not in text
    assert "Oppgi ansvarlig organisasjon, ansvarlig person eller begge." in text


@pytest.mark.django_db
def test_a_second_status_report_for_a_period_is_told_so_in_the_admin(rf, admin_user):
    first = StatusReportFactory(initiative=InitiativeFactory(), period="2026-T1")
    with translation.override("en"):
        text = _errors(
            _admin_form(
                rf,
                admin_user,
                StatusReport(),
                initiative=first.initiative.pk,
                period="2026-T1",
                rag="green",
                narrative="Ny rapport",
            )
        )
    assert "statusreport_one_per_initiative_period" not in text
    assert "already has a status report for this period" in text


@pytest.mark.django_db
def test_the_status_report_form_never_shows_a_rule_name():
    from initiatives.forms import StatusReportForm

    report = StatusReport(initiative=InitiativeFactory())
    with translation.override("nb"):
        form = StatusReportForm(
            data={"period": "2026-T1", "rag": "purple", "narrative": "Tekst"},
            instance=report,
        )
        text = _errors(form)
    assert "statusreport_" not in text and "rag" in form.errors


@pytest.mark.django_db
def test_deliveries_still_keep_the_roadmaps_own_dates():
    # The published list's end-before-start rows pass the rule as published.
    delivery = Delivery(
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2026, 1, 1),
        end_before_start_as_published=True,
    )
    constraint = next(
        c
        for c in Delivery._meta.constraints
        if c.name == "delivery_start_not_after_end"
    )
    constraint.validate(Delivery, delivery, exclude={"initiative", "sub_goal"})
