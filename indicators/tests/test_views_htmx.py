"""Value entry with JS on (htmx fragments) and off, and the approval queue's tools."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import IndicatorValue
from indicators.tests.helpers import detail, enter
from tests.factories import IndicatorFactory, IndicatorValueFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
HTMX = {"HTTP_HX_REQUEST": "true"}
FRAGMENT = "indicators/_value_table.html"
# Session, user, roles, indicator, its periods, their values; the same whatever
# the history (an indicator without breakdowns reads no series).
FRAGMENT_MAX_QUERIES = 9


def templates(response):
    return [t.name for t in response.templates]


def test_htmx_entry_answers_the_table_fragment_with_a_status_message(
    client, indicator, secretariat
):
    client.force_login(secretariat)
    response = client.post(enter(), {"period": "2024", "value": "12,5"}, **HTMX)
    assert response.status_code == 200
    assert FRAGMENT in templates(response)
    assert "indicators/detail.html" not in templates(response)
    html = response.content.decode()
    assert "<html" not in html and 'id="values-region"' in html
    status = html.split('id="value-status"')[1].split("</div>")[0]
    assert 'role="status"' in status
    assert "The value was recorded and waits for approval." in status
    assert "12.5" in html.split('id="values-title"')[1]  # the updated table
    # A fresh form, ready for the next value.
    assert response.context["form"].is_bound is False
    value = IndicatorValue.objects.get()
    assert value.value == Decimal("12.5") and value.status == "submitted"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period": "2024", "value": "tolv"}, "value", "is not a number"),
        ({"period": "2099", "value": "1"}, "period", "future"),
        ({"period": "2024", "value": ""}, "value", "required"),
    ],
)
def test_htmx_refused_input_answers_200_with_the_error_tied_to_its_field(
    client, indicator, secretariat, data, field, message
):
    # htmx 2 swaps no 4xx answer: the fragment with its errors answers 200.
    client.force_login(secretariat)
    response = client.post(enter(), data, **HTMX)
    assert response.status_code == 200
    assert templates(response)[0] == FRAGMENT
    html = response.content.decode()
    assert "<html" not in html
    field_html = html.split(f'id="id_{field}"')[0].rsplit("<input", 1)[1]
    assert 'aria-invalid="true"' in field_html
    assert f"id_{field}_error" in field_html  # aria-describedby names the error
    assert message in html.split(f'id="id_{field}_error"')[1].split("</ul>")[0]
    assert "waits for approval" not in html
    assert not IndicatorValue.objects.exists()


def test_htmx_correction_needs_a_comment_then_shows_the_revision(
    client, indicator, secretariat
):
    IndicatorValueFactory(indicator=indicator, value=Decimal(5))
    client.force_login(secretariat)
    response = client.post(enter(), {"period": "2024", "value": "6"}, **HTMX)
    assert response.status_code == 200
    assert "comment" in response.context["form"].errors["comment"][0]
    assert 'aria-invalid="true"' in response.content.decode()
    data = {"period": "2024", "value": "6", "comment": "Corrected source"}
    response = client.post(enter(), data, **HTMX)
    html = response.content.decode()
    assert "The correction was recorded and waits for approval." in html
    assert "2 revisions" in html and "Corrected source" in html
    assert indicator.values.count() == 2


def test_htmx_a_value_the_service_refuses_is_shown_in_the_form(client, secretariat):
    IndicatorFactory(code="PCT", unit="percent")
    client.force_login(secretariat)
    response = client.post(enter("PCT"), {"period": "2024", "value": "101"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="ds-error-summary form-errors" role="alert"' in html
    assert "between 0 and 100" in html
    assert "<html" not in html


def test_htmx_sending_a_draft_answers_the_fragment(client, indicator, secretariat):
    draft = IndicatorValueFactory(
        indicator=indicator, status="draft", entered_by=secretariat
    )
    client.force_login(secretariat)
    url = reverse("indicators:value_submit", args=["IND-X", draft.pk])
    response = client.post(url, **HTMX)
    assert response.status_code == 200
    assert templates(response)[0] == FRAGMENT
    html = response.content.decode()
    assert "The draft was sent for approval." in html
    assert "message-success" in html
    draft.refresh_from_db()
    assert draft.status == "submitted"
    # Sending it again is refused and said so, in the same place.
    response = client.post(url, **HTMX)
    assert response.status_code == 200
    assert "message-error" in response.content.decode()


def test_htmx_fragment_query_count_does_not_grow(
    client, secretariat, django_assert_max_num_queries
):
    indicator = IndicatorFactory(code="IND-X", unit="count")
    client.force_login(secretariat)
    bad = {"period": "2024", "value": "tolv"}
    with django_assert_max_num_queries(FRAGMENT_MAX_QUERIES):
        assert client.post(enter(), bad, **HTMX).status_code == 200
    for year in range(2000, 2024):
        IndicatorValueFactory(indicator=indicator, period_start=f"{year}-01-01")
    with django_assert_max_num_queries(FRAGMENT_MAX_QUERIES):
        assert client.post(enter(), bad, **HTMX).status_code == 200


def test_htmx_requests_keep_the_access_rules(client, indicator, council_member):
    page = "http://testserver/indicators/IND-X/?period=2024"
    response = client.post(
        enter(), {"period": "2024", "value": "5"}, HTTP_HX_CURRENT_URL=page, **HTMX
    )
    # Not a 302 that htmx would follow and swap: the whole page goes to login,
    # and comes back to the page, not to the fragment's address.
    assert response.status_code == 200 and response.content == b""
    assert response["HX-Redirect"] == (
        "/login/?next=/indicators/IND-X/%3Fperiod%3D2024"
    )
    client.force_login(council_member)
    response = client.post(enter(), {"period": "2024", "value": "5"}, **HTMX)
    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


def test_without_js_entry_posts_and_redirects_as_before(client, indicator, secretariat):
    client.force_login(secretariat)
    page = client.get(detail()).content.decode()
    # The same form works both ways: a plain action and htmx's hx-post.
    assert f'action="{enter()}" hx-post="{enter()}"' in page
    assert "js/value_entry.js" in page
    response = client.post(enter(), {"period": "2024", "value": "7"}, follow=True)
    assert response.redirect_chain == [(detail(), 302)]
    assert "indicators/detail.html" in templates(response)
    html = response.content.decode()
    assert "The value was recorded and waits for approval." in html
    refused = client.post(enter(), {"period": "2024", "value": "sju"})
    assert refused.status_code == 400
    assert "indicators/detail.html" in templates(refused)
    assert "<html" in refused.content.decode()


def test_readers_get_no_entry_script(client, indicator, council_member):
    client.force_login(council_member)
    assert "js/value_entry.js" not in client.get(detail()).content.decode()


# --- Approval queue ---------------------------------------------------------------


def test_approvers_bulk_reject_many_with_one_reason(client, secretariat, approver):
    values = [IndicatorValueFactory(entered_by=secretariat) for _ in range(3)]
    client.force_login(approver)
    data = {
        "values": [v.pk for v in values],
        "action": "reject",
        "reason": "Wrong source",
    }
    response = client.post(reverse("indicators:approvals"), data, follow=True)
    assert response.redirect_chain == [(reverse("indicators:approvals"), 302)]
    assert "3 values rejected." in response.content.decode()
    for value in values:
        value.refresh_from_db()
        assert value.status == "rejected" and value.rejection_reason == "Wrong source"


@pytest.mark.parametrize(
    "language, singular", [("en", "1 value approved."), ("nb", "1 verdi godkjent.")]
)
def test_one_decided_value_is_counted_in_the_singular(
    client, secretariat, approver, settings, language, singular
):
    """The outside test: the queue said "1 verdier godkjent"."""
    value = IndicatorValueFactory(entered_by=secretariat)
    client.force_login(approver)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    data = {"values": [value.pk], "action": "approve"}
    response = client.post(reverse("indicators:approvals"), data, follow=True)
    html = response.content.decode()
    assert singular in html and "1 values" not in html and "1 verdier" not in html


def test_a_refused_decision_keeps_the_chosen_values_ticked(
    client, secretariat, approver
):
    chosen = [IndicatorValueFactory(entered_by=secretariat) for _ in range(2)]
    other = IndicatorValueFactory(entered_by=secretariat)
    client.force_login(approver)
    data = {"values": [v.pk for v in chosen], "action": "reject"}  # no reason
    response = client.post(reverse("indicators:approvals"), data)
    assert response.status_code == 400
    html = response.content.decode()
    for value in chosen:
        assert f'id="value-{value.pk}" checked>' in html
    assert f'id="value-{other.pk}">' in html
    assert not IndicatorValue.objects.exclude(status="submitted").exists()


def test_choose_all_is_hidden_until_its_script_shows_it(client, secretariat):
    both = UserFactory(roles=["Sekretariat", "Godkjenner"])
    own = IndicatorValueFactory(entered_by=both)
    IndicatorValueFactory(entered_by=secretariat)
    client.force_login(both)
    html = client.get(reverse("indicators:approvals")).content.decode()
    tools = html.split("data-select-all")[1].split("</div>")[0]
    assert tools.startswith(" hidden ")  # no JS: tick the boxes one by one
    assert '<label for="select-all">Choose all on this page</label>' in tools
    assert "Every value that waits is on this page." in tools
    assert 'id="selection-count" role="status"' in tools
    assert "js/approvals.js" in html
    # One's own entry can never be chosen, by hand or by "choose all".
    assert f'id="value-{own.pk}" disabled>' in html


def test_the_queue_page_has_no_choose_all_when_nothing_waits(client, approver):
    client.force_login(approver)
    html = client.get(reverse("indicators:approvals")).content.decode()
    assert "Nothing waits for approval." in html
    assert "data-select-all" not in html


def test_the_value_table_shows_the_newest_periods_and_links_to_all(client, secretariat):
    indicator = IndicatorFactory(code="MND", frequency="monthly", unit="count")
    for month in range(1, 13):
        for year in (2022, 2023, 2024):
            IndicatorValueFactory(
                indicator=indicator,
                period_start=f"{year}-{month:02d}-01",
                granularity="monthly",
            )
    client.force_login(secretariat)
    response = client.get(detail("MND"))
    table = response.context["periods"]
    assert len(table.rows) == 24 and table.is_cut
    html = response.content.decode()
    assert 'href="/indicators/MND/?periods=all#values-title"' in html
    assert 'name="periods"' not in html

    response = client.get(detail("MND") + "?periods=all")
    assert not response.context["periods"].is_cut
    assert len(response.context["periods"].rows) == response.context["periods"].total
    assert "?periods=all#values-title" not in response.content.decode()
    # The entry form keeps the choice, so the swapped table shows all too.
    assert '<input type="hidden" name="periods" value="all">' in (
        response.content.decode()
    )
    data = {"period": "2022-01", "value": "7", "comment": "Ny kilde", "periods": "all"}
    response = client.post(enter("MND"), data, **HTMX)
    assert response.status_code == 200
    table = response.context["periods"]
    assert not table.is_cut and table.rows[-1].label == "2022-01"
    assert len(table.rows[-1].history) == 2
