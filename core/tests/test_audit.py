import csv
import io

import pytest
from django.urls import reverse

from core.audit import audit_entries, history_by
from tests.factories import IndicatorFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed_organisation(secretariat):
    from simple_history.utils import update_change_reason

    organisation = OrganisationFactory(name="Helsedirektoratet")
    organisation._history_user = secretariat
    organisation.name = '=HYPERLINK("http://x")'
    organisation.save()
    update_change_reason(organisation, "Rettet navn")
    return organisation


def test_entries_show_who_what_and_before_after(changed_organisation):
    entries = audit_entries(model_label="core.Organisation")
    newest = entries[0]
    assert newest.kind == "changed"
    assert newest.user == "sekretariat"
    assert newest.reason == "Rettet navn"
    assert ("name", "Helsedirektoratet", '=HYPERLINK("http://x")') in [
        (field.lower().replace("navn", "name"), before, after)
        for field, before, after in newest.changes
    ]
    assert entries[1].kind == "created"


def test_filters_by_user_and_model(changed_organisation):
    IndicatorFactory()
    assert audit_entries(username="nobody") == []
    assert {e.model_label for e in audit_entries(model_label="core.Organisation")} == {
        "core.Organisation"
    }


def test_only_administrators_see_the_audit_pages(
    client, secretariat, administrator, changed_organisation
):
    client.force_login(secretariat)
    for name in ("audit", "audit_csv", "access_review"):
        assert client.get(reverse(name)).status_code == 403
    client.force_login(administrator)
    page = client.get(reverse("audit"))
    assert page.status_code == 200
    assert "Helsedirektoratet" in page.content.decode()


def test_csv_export_escapes_formulas(client, administrator, changed_organisation):
    client.force_login(administrator)
    response = client.get(reverse("audit_csv"), {"model": "core.Organisation"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "time"
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(cell.startswith("=") for cell in cells)


def test_bad_filter_is_400(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("audit"), {"since": "31.02.2026"})
    assert response.status_code == 400


def test_access_review_lists_roles_and_last_login(
    client, administrator, council_member
):
    client.force_login(administrator)
    html = client.get(reverse("access_review")).content.decode()
    assert "radsmedlem" in html and "Rådsmedlem" in html


def test_values_read_as_people_write_them_not_as_stored(secretariat, approver):
    """The outside test: the audit page showed "submitted → approved",
    "1.000000", "2026-12-01 19:32:40.243220+00:00" and "godkjent av: 3"."""
    from decimal import Decimal

    from django.utils import timezone, translation

    from tests.factories import IndicatorValueFactory

    value = IndicatorValueFactory(entered_by=secretariat, value=Decimal("1234.500000"))
    # An approval as the service records it (core may not import it).
    value.status, value.approved_by, value.approved_at = (
        "approved",
        approver,
        (timezone.now()),
    )
    history_by(value, approver, "approved")
    value.save()
    indicator = value.indicator
    indicator.target_value = Decimal("95.000000")
    indicator.save()
    with translation.override("nb"):
        entries = audit_entries(model_label="indicators.IndicatorValue")
        target = audit_entries(model_label="indicators.Indicator")[0].changes
    changes = {field: (before, after) for field, before, after in entries[0].changes}
    assert changes["status"] == ("Sendt inn", "Godkjent")
    assert changes["godkjent av"] == ("", approver.get_username())
    approved_at = changes["godkjent"][1]
    assert approved_at.startswith(timezone.localdate().strftime("%d.%m.%Y")), (
        approved_at
    )
    assert any(after == "95" for _field, _before, after in target), target
    shown = repr(entries[0].changes) + repr(target)
    assert ".000000" not in shown and "submitted" not in shown
