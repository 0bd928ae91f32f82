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


def test_an_administrator_defines_a_dimension_with_its_code_list(admin_client):
    from decimal import Decimal

    from indicators.models import ValueInput
    from indicators.services import values_record
    from tests.factories import IndicatorFactory

    prefix = "categories"
    response = admin_client.post(
        "/admin/indicators/breakdowndimension/add/",
        {
            "code": "alder",
            "name_nb": "Aldersgruppe",
            "name_en": "Age group",
            "order": "10",
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-code": "0-17",
            f"{prefix}-0-name_nb": "0–17 år",
            f"{prefix}-0-order": "1",
            f"{prefix}-1-code": "67-",
            f"{prefix}-1-name_nb": "67 år og over",
            f"{prefix}-1-order": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dimension = BreakdownDimension.objects.get(code="alder")
    assert sorted(dimension.categories.values_list("code", flat=True)) == [
        "0-17",
        "67-",
    ]
    indicator = IndicatorFactory(code="AGE-1")
    indicator.breakdowns.add(dimension)
    (planned,) = values_record(
        items=[
            ValueInput(
                indicator,
                __import__("datetime").date(2024, 1, 1),
                Decimal(3),
                "",
                "alder:67-",
            )
        ],
        user=None,
        source="api",
    )
    assert planned.outcome == "created"
    # The built-in ones cannot be changed here.
    region = BreakdownDimension.objects.get(code="region")
    response = admin_client.post(
        f"/admin/indicators/breakdowndimension/{region.pk}/change/",
        {"code": "region", "name_nb": "X", "name_en": "X", "order": "1"},
    )
    assert response.status_code == 403
    assert BreakdownDimension.objects.get(code="region").name_nb == "Region"
