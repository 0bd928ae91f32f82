"""Migration 0004 repairs codes stored before the code rule, so that the
pages they broke (NoReverseMatch for every role) work again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from core.roles import Role
from indicators.models import Indicator
from tests.factories import UserFactory

BEFORE = [("indicators", "0003_indicator_code_not_reserved")]
BAD = ["A/B", "..", "A B", "=1+1", "ＤＥＭＯ-M1-1", "X\u200bY", "new"]


def migrate(targets=None):
    """Migrate to ``targets``, or (None) back to the newest migration of every
    app, so that the tests after this one find the schema they expect."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_codes_stored_before_the_rule_are_repaired_and_pages_work_again(client):
    old = migrate(BEFORE)
    try:
        goal_model = old.get_model("strategy", "Goal")
        strategy = old.get_model("strategy", "Strategy").objects.create(
            title_nb="S", start_year=2023, end_year=2030, document_version="t"
        )
        goal = goal_model.objects.create(
            strategy=strategy,
            code="M1",
            title_nb="M1",
            order=1,
            kind="direct_benefit",
            strategy_version="t",
        )
        indicator_model = old.get_model("indicators", "Indicator")
        for code in ["DEMO-M1-1", *BAD, "demo-m1-1"]:
            indicator_model.objects.create(
                code=code,
                goal=goal,
                name_nb=code,
                unit="count",
                direction="increase",
                frequency="annual",
            )
    finally:
        migrate()  # the repair (0004) runs on the way

    codes = list(Indicator.objects.order_by("pk").values_list("code", flat=True))
    assert codes == [
        "DEMO-M1-1",  # allowed codes are never touched
        "A-B",
        "IND",
        "A-B-2",
        "1-1",
        "DEMO-M1-1-2",
        "XY",  # the zero-width space is dropped
        "new-1",
        "demo-m1-1-3",
    ]
    repaired = Indicator.history.filter(history_change_reason__startswith="code")
    assert repaired.count() == len(BAD) + 1
    client.force_login(UserFactory(roles=[Role.COUNCIL_MEMBER]))
    assert client.get(reverse("indicators:list")).status_code == 200
    assert client.get(reverse("indicators:list") + "?goal=M1").status_code == 200
