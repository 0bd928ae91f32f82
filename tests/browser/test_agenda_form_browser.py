"""The agenda-item form's search in long lists (Designsystemet's suggestion
pattern, static/js/filter_list.js) with the real roadmap's deliveries."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from core.roles import Role
from councils.models import AgendaItem, Council
from initiatives.models import Delivery
from strategy.models import Goal
from tests.factories import IndicatorFactory, MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def roadmap(transactional_db):
    from initiatives.tests.helpers import REAL_FILE

    call_command("load_strategy", verbosity=0)
    call_command("import_roadmap", str(REAL_FILE), "--version", "2026-08", verbosity=0)


def _shown(page, field: str) -> list[str]:
    return page.locator(
        f"#id_{field}-options .filter-list-row:visible label"
    ).all_inner_texts()


def test_typing_narrows_the_deliveries_and_ticked_items_are_linked(
    page, log_in, check_accessibility, roadmap
):
    meeting = MeetingFactory(council=Council.objects.get(slug="nuit"))
    goal = Goal.objects.get(code="M1")
    IndicatorFactory(code="IND-7", name_nb="Andel med e-resept", goal=goal)
    IndicatorFactory(code="IND-8", name_nb="Andel med pasientjournal", goal=goal)
    twins = (
        Delivery.objects.filter(removed_in_version="")
        .values("name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("-n", "name")
        .first()
    )
    assert twins, "the real roadmap has deliveries with the same name"
    same_name = list(Delivery.objects.filter(name=twins["name"], removed_in_version=""))
    total = Delivery.objects.filter(removed_in_version="").count()

    log_in(Role.SECRETARIAT)
    page.goto(reverse("councils:item_new", args=[meeting.pk]))
    assert page.locator("#id_deliveries").is_hidden()  # the native select, enhanced
    assert len(_shown(page, "deliveries")) == total
    search = page.get_by_role("searchbox", name="Veikartleveranser")
    search.fill(twins["name"])
    shown = _shown(page, "deliveries")
    # Every delivery of that name, each told apart by roadmap ID and initiative.
    assert len(shown) >= len(same_name) and len(set(shown)) == len(shown)
    for delivery in same_name:
        assert (
            f"{delivery.roadmap_id} {delivery.name} ({delivery.initiative.code})"
            in shown
        )
    assert f"av {total} vises" in page.locator("#id_deliveries-status").inner_text()

    # By keyboard: from the search into the list, down one, Space ticks.
    search.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.get_by_label(shown[0], exact=True).check()
    # A ticked delivery stays in view whatever is typed next.
    search.fill(same_name[0].roadmap_id)
    assert set(_shown(page, "deliveries")) == {shown[0], shown[1]}
    # Enter in the search moves into the list and does not post the form.
    search.press("Enter")
    assert page.url.endswith("/items/new/")

    page.get_by_role("searchbox", name="Indikatorer").fill("e-resept")
    assert _shown(page, "indicators") == ["IND-7 Andel med e-resept"]
    page.locator("#id_indicators-options input").first.check()
    check_accessibility("agenda-item-form-filtered")

    page.locator("#id_title").fill("Leveranser til drøfting")
    page.locator("#id_kind").select_option("drøfting")
    page.locator("button.primary").click()
    page.wait_for_load_state()
    item = AgendaItem.objects.get(meeting=meeting, title="Leveranser til drøfting")
    linked = {
        f"{d.roadmap_id} {d.name} ({d.initiative.code})" for d in item.deliveries.all()
    }
    assert linked == {shown[0], shown[1]}
    assert [i.code for i in item.indicators.all()] == ["IND-7"]


def test_without_javascript_the_native_select_still_works(
    browser, live_server, roadmap
):
    from tests.browser.helpers import _prepared, axe_check, log_in_page

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = _prepared(context.new_page())
    page.javascript_enabled = False
    try:
        meeting = MeetingFactory(council=Council.objects.get(slug="nuit"))
        log_in_page(page, Role.SECRETARIAT)
        page.goto(reverse("councils:item_new", args=[meeting.pk]))
        delivery = Delivery.objects.filter(removed_in_version="").first()
        page.locator("#id_title").fill("Uten skript")
        page.locator("#id_deliveries").select_option(str(delivery.pk))
        axe_check(page, "agenda-item-form-no-js")
        page.locator("button.primary").click()
        page.wait_for_load_state()
        item = AgendaItem.objects.get(meeting=meeting, title="Uten skript")
        assert list(item.deliveries.all()) == [delivery]
    finally:
        context.close()
