import pytest
from django.urls import reverse

from core.roles import Role
from strategy.models import Goal
from tests.factories import (
    GoalFactory,
    IndicatorFactory,
    InitiativeFactory,
    SubGoalFactory,
    UserFactory,
)

OVERVIEW = reverse("strategy:overview")


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


@pytest.mark.parametrize(
    "role", [Role.COUNCIL_MEMBER, Role.SECRETARIAT, Role.APPROVER, Role.ADMINISTRATOR]
)
def test_dashboard_roles_see_the_real_goals(client, real_strategy, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.get(OVERVIEW)
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("M1", "M2", "M3", "M4", "M5"):
        assert f'id="{code}"' in html
    assert "Aktiv medvirkning i egen og næres helse" in html
    assert "Helsedata til fornying og forbedring" in html
    assert "1A" in html and "5C" in html


def test_integration_role_cannot_use_the_web_pages(client, integration_user):
    client.force_login(integration_user)
    assert client.get(OVERVIEW).status_code == 403


def test_user_without_role_gets_a_clear_403(client, outsider):
    client.force_login(outsider)
    response = client.get(OVERVIEW)
    assert response.status_code == 403
    assert "Ingen tilgang" in response.content.decode() or "Access denied" in (
        response.content.decode()
    )


def test_initiative_counts_per_sub_goal_and_goal(client, real_strategy, council_member):
    client.force_login(council_member)
    response = client.get(OVERVIEW)
    cards = {card.code: card for card in response.context["overview"].goals}
    assert sum(card.initiative_count for card in cards.values()) == 54
    assert cards["M1"].initiative_count == 13
    assert [s.initiative_count for s in cards["M1"].sub_goals] == [4, 3, 3, 1, 1, 1]


def test_norwegian_is_the_default_and_english_can_be_chosen(
    client, real_strategy, council_member
):
    client.force_login(council_member)
    nb = client.get(OVERVIEW).content.decode()
    assert '<html lang="nb">' in nb
    assert "Strategioversikt" in nb

    response = client.post(
        reverse("set_language"), {"language": "en", "next": OVERVIEW}
    )
    assert response.status_code == 302
    en = client.get(OVERVIEW).content.decode()
    assert '<html lang="en">' in en
    assert "Strategy overview" in en
    assert "Active participation in one" in en  # the goal's English title


def test_demo_indicators_are_marked_as_demo(client, real_strategy, council_member):
    IndicatorFactory(goal=Goal.objects.get(code="M1"), is_demo=True)
    client.force_login(council_member)
    html = client.get(OVERVIEW).content.decode()
    assert "Eksempeldata" in html


def test_browser_language_does_not_override_norwegian_default(
    client, real_strategy, council_member
):
    client.force_login(council_member)
    response = client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nb">' in response.content.decode()
    assert response["Content-Language"] == "nb"


def _add_goals(count: int) -> None:
    for _ in range(count):
        goal = GoalFactory()
        for _ in range(3):
            sub_goal = SubGoalFactory(goal=goal)
            InitiativeFactory.create_batch(2, sub_goal=sub_goal)
        IndicatorFactory.create_batch(2, goal=goal)


@pytest.mark.parametrize("goal_count", [1, 8])
def test_query_count_does_not_grow_with_data(
    client, council_member, django_assert_max_num_queries, goal_count
):
    _add_goals(goal_count)
    client.force_login(council_member)
    # session, user, roles, strategy, goals, sub-goals, goal progress, last
    # meeting, deliveries per phase, and the session saved again for its
    # sliding expiry (savepoint, update, release)
    with django_assert_max_num_queries(12):
        response = client.get(OVERVIEW)
    assert len(response.context["overview"].goals) == goal_count
