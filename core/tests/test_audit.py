import csv
import io

import pytest
from django.urls import reverse

from core.audit import audit_entries
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
