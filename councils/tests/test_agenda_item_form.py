"""The agenda-item form's lists of deliveries, indicators and initiatives."""

import re

import pytest
from django.utils import translation

from councils.forms import AgendaItemForm
from tests.factories import DeliveryFactory, IndicatorFactory, InitiativeFactory

pytestmark = pytest.mark.django_db


def _options(html: str, field: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option [^>]*?(lang=\"nb\")?>([^<]*)</option>", select)


def test_deliveries_with_the_same_name_are_told_apart_by_id_and_initiative():
    first = DeliveryFactory(
        roadmap_id="R-101", name="Pilot", initiative=InitiativeFactory(code="1A-1")
    )
    second = DeliveryFactory(
        roadmap_id="R-202", name="Pilot", initiative=InitiativeFactory(code="2B-3")
    )
    with translation.override("en"):
        html = str(AgendaItemForm()["deliveries"])
    labels = [label for _lang, label in _options(html, "deliveries")]
    assert f"{first.roadmap_id} Pilot (1A-1)" in labels
    assert f"{second.roadmap_id} Pilot (2B-3)" in labels
    # A delivery's name is bokmål: marked so on an English page.
    assert all(lang for lang, _label in _options(html, "deliveries"))


def test_indicators_are_listed_by_code_and_name():
    IndicatorFactory(code="IND-1", name_nb="Andel digitale", name_en="Digital share")
    with translation.override("en"):
        html = str(AgendaItemForm()["indicators"])
    assert ("", "IND-1 Digital share") in _options(html, "indicators")


@pytest.mark.parametrize("field", ["deliveries", "indicators", "initiatives"])
def test_long_lists_are_marked_for_the_search_filter(field):
    html = str(AgendaItemForm()[field])
    assert "data-filter-list" in html and "multiple" in html
