"""The built-in code lists: from the migration, and again from load_strategy."""

from collections import Counter

import pytest
from django.core.management import call_command

from indicators.models import BreakdownCategory, BreakdownDimension

pytestmark = pytest.mark.django_db


def test_the_migration_loads_regions_and_sectors():
    region = BreakdownDimension.objects.get(code="region")
    levels = Counter(region.categories.values_list("level", flat=True))
    assert levels == {"health_region": 4, "county": 15, "municipality": 357}
    oslo = region.categories.get(code="03")
    assert (oslo.name_nb, oslo.parent.code) == ("Oslo", "HSØ")
    assert region.categories.get(code="0301").parent == oslo
    assert set(
        BreakdownDimension.objects.get(code="sector").categories.values_list(
            "code", flat=True
        )
    ) >= {"kommune", "spesialisthelsetjeneste", "fastlege"}


def test_load_strategy_restores_them_and_changes_nothing_the_second_time():
    BreakdownCategory.objects.filter(level="municipality").delete()
    BreakdownCategory.objects.filter(code="03").update(name_nb="Christiania")
    call_command("load_strategy", verbosity=0)
    assert BreakdownCategory.objects.filter(level="municipality").count() == 357
    assert BreakdownCategory.objects.get(code="03").name_nb == "Oslo"
    before = list(BreakdownCategory.objects.order_by("pk").values())
    call_command("load_strategy", verbosity=0)
    assert list(BreakdownCategory.objects.order_by("pk").values()) == before
