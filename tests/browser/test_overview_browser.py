import pytest
from django.core.management import call_command

from core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def strategy_with_demo(transactional_db):
    call_command("load_strategy", verbosity=0)
    call_command("load_demo", verbosity=0)


def test_council_member_reads_the_overview_and_switches_language(
    page, log_in, check_accessibility, strategy_with_demo
):
    page.goto("/")
    assert "/login/" in page.url  # anonymous: the login page only

    log_in(Role.COUNCIL_MEMBER)
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.get_by_role("heading", level=1).inner_text() == "Strategioversikt"
    assert page.locator("article.goal-card").count() == 5
    assert page.get_by_text("Eksempeldata").count() == 5
    check_accessibility("overview-nb")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Strategy overview"
    check_accessibility("overview-en")


def test_skip_link_moves_focus_to_main(page, log_in, strategy_with_demo):
    log_in(Role.COUNCIL_MEMBER)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Gå til hovedinnhold")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
