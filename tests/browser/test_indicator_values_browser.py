"""In a real browser: value entry with JS on and off, approval, import."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from core.roles import Role
from indicators.models import IndicatorValue
from strategy.models import Goal
from tests.browser.helpers import _prepared, axe_check, log_in_page
from tests.factories import GoalFactory, IndicatorFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)


@pytest.fixture
def page_without_js(browser, live_server):
    """A browser with JavaScript off: the forms must post and redirect."""
    context = browser.new_context(
        base_url=live_server.url, locale="nb-NO", java_script_enabled=False
    )
    page = _prepared(context.new_page())
    page.javascript_enabled = False
    yield page
    context.close()


def period_row(page, label):
    """The period table's row for a period (not the rows of its history)."""
    rows = page.locator("#values-region table.data > tbody > tr")
    return rows.filter(has=page.locator("th[scope=row]", has_text=re.compile(label)))


def save(page):
    page.locator("#entry button[type=submit]").click()


def test_without_js_the_forms_post_and_the_approver_ticks_each_value(
    page_without_js, demo
):
    page = page_without_js
    log_in_page(page, Role.SECRETARIAT)
    page.goto("/indicators/DEMO-M1-1/?period=2025#entry")
    axe_check(page, "indicator-detail-no-js")
    page.locator("#id_value").fill("63,5")
    page.locator("#id_comment").fill("Ny måling")
    save(page)
    page.wait_for_load_state()
    value = IndicatorValue.objects.get(status="submitted")
    assert str(value.value.normalize()) == "63.5"
    assert page.url.endswith("/indicators/DEMO-M1-1/")  # redirected, as before
    assert "63,5" in period_row(page, "^2025$").inner_text()

    page.locator("#id_value").fill("tolv")
    save(page)
    page.wait_for_load_state()
    assert page.url.endswith("/indicators/DEMO-M1-1/values/")  # the refused post
    assert page.locator("#id_value").get_attribute("aria-invalid") == "true"
    page.console_errors.clear()  # the refused form answers 400 on purpose
    axe_check(page, "indicator-detail-error-no-js")

    page.context.clear_cookies()
    log_in_page(page, Role.APPROVER)
    page.goto("/indicators/approvals/")
    expect(page.locator("[data-select-all]")).to_be_hidden()
    axe_check(page, "approvals-no-js")
    page.locator(f"#value-{value.pk}").check()
    page.locator("button[value=approve]").click()
    page.wait_for_load_state()
    value.refresh_from_db()
    assert value.status == "approved"


def test_with_js_values_are_entered_and_corrected_in_place_and_all_chosen(
    page, log_in, check_accessibility, demo
):
    goal = Goal.objects.get(code="M1")
    IndicatorFactory(code="NY-1", goal=goal, unit="count", baseline_year=2024)
    log_in(Role.SECRETARIAT)
    page.goto("/indicators/")
    check_accessibility("indicators-list")
    page.goto("/indicators/NY-1/")
    check_accessibility("indicator-detail")
    url = page.url
    # Lost on any navigation: proves that what follows happens in place.
    page.evaluate("window.stillThisPage = true")

    # "Enter" fills the period and puts the cursor in the value field.
    page.locator("a[data-period='2025']").click()
    expect(page.locator("#id_period")).to_have_value("2025")
    expect(page.locator("#id_value")).to_be_focused()
    page.locator("#id_value").fill("12,5")
    save(page)
    status = page.locator("#value-status")
    expect(status.locator("p.message-success")).to_be_visible()
    expect(status).to_be_focused()
    expect(period_row(page, "^2025$")).to_contain_text("12,5")
    first = IndicatorValue.objects.get(indicator__code="NY-1")
    assert first.status == "submitted" and first.value == Decimal("12.5")
    check_accessibility("indicator-detail-saved-in-place")

    # A correction without a comment is refused on the comment field.
    page.locator("a[data-period='2025']").click()
    page.locator("#id_value").fill("13")
    save(page)
    comment = page.locator("#id_comment")
    expect(comment).to_have_attribute("aria-invalid", "true")
    expect(comment).to_be_focused()
    expect(page.locator("#id_period")).to_have_value("2025")
    check_accessibility("indicator-detail-refused-in-place")

    comment.fill("Rettet etter ny kilde")
    save(page)
    expect(status.locator("p.message-success")).to_be_visible()
    row = period_row(page, "^2025$")
    expect(row).to_contain_text("13")
    expect(row.locator("details summary")).to_contain_text("2")
    row.locator("details summary").click()
    expect(row.locator("table.history")).to_contain_text("Rettet etter ny kilde")

    page.locator("a[data-period='2026']").click()
    page.locator("#id_value").fill("14")
    save(page)
    expect(period_row(page, "^2026$")).to_contain_text("14")
    assert page.url == url and page.evaluate("window.stillThisPage") is True
    waiting = IndicatorValue.objects.filter(
        indicator__code="NY-1", status="submitted", superseded_at__isnull=True
    )
    assert sorted(v.value for v in waiting) == [Decimal(13), Decimal(14)]
    assert not page.console_errors, page.console_errors

    page.context.clear_cookies()
    log_in(Role.APPROVER)
    page.goto("/indicators/approvals/")
    choose_all = page.locator("#select-all")
    expect(choose_all).to_be_visible()
    expect(page.locator("label[for=select-all]")).to_be_visible()
    count = page.locator("#selection-count")
    expect(count).to_have_text(re.compile(r"\b0\b"))
    check_accessibility("approvals-choose-all")

    # From the keyboard: Space ticks every value the approver may decide.
    choose_all.focus()
    page.keyboard.press("Space")
    boxes = page.locator("input[name=values]:not([disabled])")
    assert boxes.count() == 2
    for i in range(2):
        expect(boxes.nth(i)).to_be_checked()
    expect(count).to_have_text(re.compile(r"\b2\b"))
    boxes.first.uncheck()
    expect(count).to_have_text(re.compile(r"\b1\b"))
    assert page.evaluate("document.getElementById('select-all').indeterminate")
    choose_all.focus()
    page.keyboard.press("Space")
    expect(count).to_have_text(re.compile(r"\b2\b"))
    page.locator("button[value=approve]").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("2")
    assert not waiting.all().exists()  # a fresh query, not the cached rows
    approved = IndicatorValue.objects.filter(
        indicator__code="NY-1", status="approved", superseded_at__isnull=True
    )
    assert sorted(v.value for v in approved) == [Decimal(13), Decimal(14)]


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


def test_choose_all_takes_this_page_only_and_the_pager_keeps_the_filter(
    page, log_in, check_accessibility, transactional_db
):
    clerk = UserFactory(username="clerk", roles=[Role.SECRETARIAT])
    goal = GoalFactory(code="M1")
    now = timezone.now()
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=IndicatorFactory(code=f"SIDE-{i:03d}", goal=goal, unit="count"),
            period_start=dt.date(2024, 1, 1),
            granularity="annual",
            value=Decimal(i),
            status="submitted",
            source="api",
            entered_by=clerk,
            entered_at=now + dt.timedelta(seconds=i),
        )
        for i in range(105)
    )
    log_in(Role.APPROVER)
    page.goto("/indicators/approvals/?goal=M1")
    check_accessibility("approvals-paged")
    pager = page.get_by_role("navigation", name="Sider i godkjenningskøen")
    expect(pager).to_contain_text("Side 1 av 2")
    expect(page.locator("#select-all-scope")).to_contain_text("1–100")

    page.locator("#select-all").check()
    expect(page.locator("#selection-count")).to_have_text("100 verdier valgt")
    assert page.locator("input[name=values]:checked").count() == 100
    page.locator("button[value=approve]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/indicators/approvals/?goal=M1")
    expect(page.locator(".messages")).to_contain_text("100")
    waiting = IndicatorValue.objects.filter(status="submitted")
    assert sorted(waiting.values_list("indicator__code", flat=True)) == [
        f"SIDE-{i:03d}" for i in range(100, 105)
    ]
    # What is left fits on one page: no pager, and "all" is all there is.
    expect(page.locator("nav.pager")).to_have_count(0)
    expect(page.locator("#select-all-scope")).to_have_text(
        "Alle verdier som venter, står på denne siden."
    )
    assert not page.console_errors, page.console_errors
