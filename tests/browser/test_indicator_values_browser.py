"""In a real browser: enter a Norwegian decimal, approve it, import a file."""

import pytest
from django.core.management import call_command

from core.roles import Role
from indicators.models import IndicatorValue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)


def test_secretariat_enters_a_value_and_approver_approves_it(
    page, log_in, check_accessibility, demo
):
    log_in(Role.SECRETARIAT)
    page.goto("/indicators/")
    check_accessibility("indicators-list")
    page.goto("/indicators/DEMO-M1-1/?period=2025#entry")
    check_accessibility("indicator-detail")
    page.locator("#id_value").fill("63,5")
    page.locator("#id_comment").fill("Ny måling")
    page.locator("#entry button[type=submit]").click()
    page.wait_for_load_state()
    value = IndicatorValue.objects.get(status="submitted")
    assert str(value.value.normalize()) == "63.5"
    assert "63,5" in page.locator("table.data").first.inner_text()

    page.locator("#id_value").fill("tolv")
    page.locator("#entry button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_value").get_attribute("aria-invalid") == "true"
    page.console_errors.clear()  # the refused form answers 400 on purpose
    check_accessibility("indicator-detail-error")

    page.context.clear_cookies()
    log_in(Role.APPROVER)
    page.goto("/indicators/approvals/")
    check_accessibility("approvals")
    page.locator(f"#value-{value.pk}").check()
    page.locator("button[value=approve]").click()
    page.wait_for_load_state()
    value.refresh_from_db()
    assert value.status == "approved"


def test_import_preview_page(page, log_in, check_accessibility, demo, tmp_path):
    log_in(Role.SECRETARIAT)
    page.goto("/indicators/imports/new/")
    check_accessibility("import-new")
    upload = tmp_path / "verdier.csv"
    content = "indikator;periode;verdi;kommentar\nDEMO-M1-1;2025;64,5;Ny måling\n"
    upload.write_bytes(content.encode("cp1252"))
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("main form button.primary").click()
    page.wait_for_load_state()
    assert "/indicators/imports/" in page.url
    assert page.locator("form[action$='/commit/']").count() == 1  # checked
    check_accessibility("import-detail")
    page.locator("main form button.primary").click()
    page.wait_for_load_state()
    assert IndicatorValue.objects.filter(source="import").count() == 1
