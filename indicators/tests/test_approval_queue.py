"""The approval queue in pages: bounded work whatever waits, filters in the URL.

With 12,000 values waiting, the unpaginated page took 25 s and 5 MB.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import IndicatorValue
from indicators.selectors import QUEUE_PAGE
from tests.factories import GoalFactory, IndicatorFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
QUEUE = reverse("indicators:approvals")
# Session, user and roles; the goals for the filter; the count, the page's
# values and their indicators' official series (and a session save). The
# point: it does not grow with the queue.
QUEUE_MAX_QUERIES = 10
OFFICIAL_YEARS = range(2015, 2020)


def waiting(goal, count: int, clerk, *, prefix="Q") -> list[IndicatorValue]:
    """``count`` indicators, each with five official years and one value waiting
    (oldest first in the order of the indicators)."""
    now = timezone.now()
    indicators = [
        IndicatorFactory(code=f"{prefix}{i:04d}", goal=goal, unit="count")
        for i in range(count)
    ]
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            granularity="annual",
            value=Decimal(year - 2000),
            status="approved",
            source="import",
            entered_at=now,
            approved_at=now,
        )
        for indicator in indicators
        for year in OFFICIAL_YEARS
    )
    return IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            period_start=dt.date(2024, 1, 1),
            granularity="annual",
            value=Decimal(20),
            status="submitted",
            source="api",
            entered_by=clerk,
            entered_at=now + dt.timedelta(seconds=i),
        )
        for i, indicator in enumerate(indicators)
    )


def shown_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="values" value="(\d+)"', response.text)]


def test_the_queue_shows_a_page_and_its_queries_do_not_grow(
    client, secretariat, approver, django_assert_max_num_queries
):
    goal = GoalFactory(code="M1")
    client.force_login(approver)
    few = waiting(goal, 3, secretariat)
    with django_assert_max_num_queries(QUEUE_MAX_QUERIES):
        response = client.get(QUEUE)
    assert shown_ids(response) == [v.pk for v in few]

    many = few + waiting(goal, 2 * QUEUE_PAGE + 7, secretariat, prefix="R")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, {"page": 2})
    assert len(queries) <= QUEUE_MAX_QUERIES
    assert shown_ids(response) == [v.pk for v in many[QUEUE_PAGE : 2 * QUEUE_PAGE]]
    assert "210 values wait. Shown: 101–200." in response.text
    # The outlier flags read the official series of this page's indicators only.
    (series,) = [q["sql"] for q in queries if "'approved'" in q["sql"]]
    on_page = {v.indicator_id for v in many[QUEUE_PAGE : 2 * QUEUE_PAGE]}
    read = {int(pk) for pk in re.search(r"IN \(([\d, ]+)\)", series)[1].split(", ")}
    assert read == on_page


def test_the_pager_keeps_the_filter_and_a_page_past_the_end_gives_the_last(
    client, secretariat, approver
):
    client.force_login(approver)
    waiting(GoalFactory(code="M1"), QUEUE_PAGE + 1, secretariat)
    waiting(GoalFactory(code="M2"), 2, secretariat, prefix="X")
    response = client.get(QUEUE, {"goal": "M1"})
    pager = response.text.split('class="pager"')[1].split("</nav>")[0]
    assert 'aria-label="Pages of the approval queue"' in response.text
    assert "Page 1 of 2" in pager
    assert 'href="?goal=M1&amp;page=2" rel="next"' in pager
    response = client.get(QUEUE, {"goal": "M1", "page": "99"})
    assert response.status_code == 200
    assert len(shown_ids(response)) == 1 and "Page 2 of 2" in response.text
    assert client.get(QUEUE, {"page": "two"}).status_code == 200


def test_the_queue_filters_by_goal_and_by_indicator(client, secretariat, approver):
    client.force_login(approver)
    m1 = waiting(GoalFactory(code="M1"), 3, secretariat)
    m2 = waiting(GoalFactory(code="M2"), 2, secretariat, prefix="X")
    assert shown_ids(client.get(QUEUE, {"goal": "M2"})) == [v.pk for v in m2]
    response = client.get(QUEUE, {"indicator": "Q0001"})
    assert shown_ids(response) == [m1[1].pk]
    assert 'name="indicator" value="Q0001"' in response.text
    response = client.get(QUEUE, {"goal": "M1", "indicator": "X0000"})
    assert response.status_code == 200 and shown_ids(response) == []
    assert "Nothing chosen by the filter waits for approval." in response.text


def test_the_indicator_list_links_an_approver_to_an_indicators_queue(
    client, secretariat, approver, council_member
):
    waiting(GoalFactory(code="M1"), 1, secretariat)
    client.force_login(approver)
    html = client.get(reverse("indicators:list")).text
    link = f'href="{QUEUE}?indicator=Q0000" aria-label="1 value of Q0000 waits'
    assert link in html
    client.force_login(council_member)
    assert f"{QUEUE}?indicator" not in client.get(reverse("indicators:list")).text


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"goal": "M9"}, "Select a valid choice. M9 is not one of the available"),
        ({"indicator": "NOPE"}, "No indicator has the code “NOPE”."),
    ],
)
def test_an_unknown_goal_or_indicator_is_a_clear_400(client, approver, query, error):
    client.force_login(approver)
    response = client.get(QUEUE, query)
    assert response.status_code == 400
    assert error in response.text
    assert 'name="values"' not in response.text


def test_choose_all_says_it_chooses_this_page(client, secretariat, approver):
    client.force_login(approver)
    waiting(GoalFactory(code="M1"), QUEUE_PAGE + 5, secretariat)
    html = client.get(QUEUE).text
    tools = html.split("data-select-all")[1].split("</div>")[0]
    assert '<label for="select-all">Choose all on this page</label>' in tools
    assert 'aria-describedby="select-all-scope"' in tools
    assert (
        "Only values 1–100, shown here; values on other pages are not chosen." in tools
    )


def test_deciding_on_a_page_leaves_the_other_pages_and_returns_to_it(
    client, secretariat, approver
):
    client.force_login(approver)
    values = waiting(GoalFactory(code="M1"), QUEUE_PAGE + 5, secretariat)
    first_page = shown_ids(client.get(QUEUE, {"goal": "M1"}))
    url = f"{QUEUE}?goal=M1&page=1"
    response = client.post(url, {"values": first_page, "action": "approve"})
    assert response.status_code == 302 and response["Location"] == url
    pending = IndicatorValue.objects.filter(status="submitted")
    assert sorted(pending.values_list("pk", flat=True)) == [
        v.pk for v in values[QUEUE_PAGE:]
    ]
    assert shown_ids(client.get(url)) == [v.pk for v in values[QUEUE_PAGE:]]


def test_a_value_decided_meanwhile_is_named_not_taken_for_unknown(
    client, secretariat, approver
):
    client.force_login(approver)
    (value,) = waiting(GoalFactory(code="M1"), 1, secretariat)
    other = UserFactory(username="other", roles=["Godkjenner"])
    client.force_login(other)
    client.post(QUEUE, {"values": [value.pk], "action": "approve"})
    client.force_login(approver)
    response = client.post(QUEUE, {"values": [value.pk], "action": "approve"})
    assert response.status_code == 400
    assert "Q0000 2024 no longer waits for approval." in response.text
    response = client.post(QUEUE, {"values": ["x1"], "action": "approve"})
    assert response.status_code == 400
    assert "x1 is not a value of the queue." in response.text
