"""factory_boy factories shared by the tests of every app."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from core.models import Organisation, User
from councils.models import Council, Meeting
from indicators.models import Indicator, IndicatorValue
from initiatives.models import Delivery, Initiative, StatusReport
from strategy.models import Goal, Strategy, SubGoal


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: transactional tests flush the groups that the data
            # migration created.
            self.groups.set(
                [Group.objects.get_or_create(name=str(role))[0] for role in extracted]
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisasjon {n}")


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy
        django_get_or_create = ("start_year", "end_year")

    title_nb = "Nasjonal e-helsestrategi"
    start_year = 2023
    end_year = 2030
    document_version = "test"


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    strategy = factory.SubFactory(StrategyFactory)
    order = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda o: f"M{o.order % 9 + 1}")
    title_nb = factory.LazyAttribute(lambda o: f"Mål {o.code}")
    kind = "direct_benefit"
    strategy_version = "test"


class SubGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubGoal

    goal = factory.SubFactory(GoalFactory)
    order = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(
        lambda o: f"{o.goal.code[1:]}{chr(ord('A') + (o.order - 1) % 26)}"
    )
    title_nb = factory.LazyAttribute(lambda o: f"Delmål {o.code}")
    strategy_version = "test"


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    sub_goal = factory.SubFactory(SubGoalFactory)
    code = factory.Sequence(lambda n: f"T-{n}")
    name_nb = factory.Sequence(lambda n: f"Initiativ {n}")


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    initiative = factory.SubFactory(InitiativeFactory)
    sub_goal = factory.SelfAttribute("initiative.sub_goal")
    roadmap_id = factory.Sequence(lambda n: f"{n:017d}")
    name = factory.Sequence(lambda n: f"Leveranse {n}")
    planning_status = "Planlagt"
    version = "2026-08"


class StatusReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusReport

    initiative = factory.SubFactory(InitiativeFactory)
    period = factory.Sequence(lambda n: f"{2024 + n // 3}-T{n % 3 + 1}")
    rag = "green"
    narrative = "Går etter planen."


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"IND-{n}")
    goal = factory.SubFactory(GoalFactory)
    name_nb = factory.Sequence(lambda n: f"Indikator {n}")
    unit = "percent"
    direction = "increase"
    frequency = "annual"


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period_start = dt.date(2024, 1, 1)
    granularity = "annual"
    value = Decimal("50.0")
    status = "submitted"
    source = "form"
    entered_at = factory.LazyFunction(timezone.now)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    slug = factory.Sequence(lambda n: f"rad-{n}")
    name_nb = factory.Sequence(lambda n: f"Råd {n}")
    level = 1


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    council = factory.SubFactory(CouncilFactory)
    date = dt.date(2026, 3, 12)
    title = factory.Sequence(lambda n: f"Møte {n}")
