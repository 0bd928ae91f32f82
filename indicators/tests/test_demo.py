from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from indicators.demo import DEMO_INDICATORS, REGIONAL_DEMO
from indicators.models import Indicator, IndicatorValue
from strategy.models import Goal
from tests.factories import IndicatorFactory


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_indicators_are_flagged_and_labelled(real_strategy):
    load_demo()
    demo = Indicator.objects.filter(is_demo=True)
    assert demo.count() == len(DEMO_INDICATORS) == 15
    for goal in Goal.objects.all():
        assert demo.filter(goal=goal).count() == 3
    for indicator in demo:
        assert indicator.direction in ("increase", "decrease")
        assert indicator.target_year == 2030
        assert indicator.baseline_value is not None
        assert "(eksempel)" in indicator.name_nb
        assert "Eksempeldata" in str(indicator)
        national = indicator.values.filter(breakdown="")
        years = sorted(v.period_start.year for v in national)
        assert years == list(range(2018, 2027))
    assert not IndicatorValue.objects.exclude(source="demo").exists()


def test_demo_percentages_stay_within_their_limit(real_strategy):
    load_demo()
    for value in IndicatorValue.objects.filter(indicator__unit="percent"):
        assert 0 <= value.value <= 100


def test_loading_demo_twice_changes_nothing(real_strategy):
    load_demo()
    before = list(IndicatorValue.objects.order_by("pk").values())
    output = load_demo()
    assert list(IndicatorValue.objects.order_by("pk").values()) == before
    assert "indicator: 0 new, 0 updated, 15 unchanged" in output


def test_demo_never_touches_real_indicators(real_strategy):
    real = IndicatorFactory(code="REAL-1", goal=Goal.objects.get(code="M2"))
    load_demo()
    real.refresh_from_db()
    assert not real.is_demo
    assert not real.values.exists()


def test_demo_refuses_a_code_taken_by_a_real_indicator(real_strategy):
    IndicatorFactory(code="DEMO-M1-1", goal=Goal.objects.get(code="M1"))
    with pytest.raises(CommandError, match="DEMO-M1-1"):
        load_demo()
    assert not Indicator.objects.filter(is_demo=True).exists()


@pytest.mark.django_db
def test_demo_needs_the_strategy_first():
    with pytest.raises(CommandError, match="run load_strategy first"):
        load_demo()


def test_demo_has_a_progress_history_for_as_of_views(real_strategy):
    import datetime as dt

    from indicators.snapshots import snapshots_as_of

    load_demo()
    demo_ids = set(Indicator.objects.filter(is_demo=True).values_list("pk", flat=True))
    past = snapshots_as_of(as_of=dt.date(2021, 12, 31))
    assert set(past) == demo_ids
    # Values are approved in March after their year: 2021 was not known yet.
    assert all(s.components["current_time"] == 2020.0 for s in past.values())
    assert set(snapshots_as_of()) == demo_ids


def test_two_demo_indicators_are_broken_down_by_county_and_health_region(
    real_strategy,
):
    load_demo()
    broken_down = Indicator.objects.filter(values__breakdown__startswith="region:")
    assert sorted(set(broken_down.values_list("code", flat=True))) == sorted(
        REGIONAL_DEMO
    )
    for indicator in broken_down.distinct():
        assert indicator.is_demo and indicator.breakdown_codes == ["region"]
        series = set(
            indicator.values.exclude(breakdown="").values_list("breakdown", flat=True)
        )
        # 15 counties and 4 health regions, every year, flagged as demo.
        assert len(series) == 19
        assert {"region:03", "region:56", "region:HSØ", "region:HN"} <= series
        demo_values = indicator.values.exclude(breakdown="")
        assert demo_values.count() == 19 * 9
        assert set(demo_values.values_list("source", flat=True)) == {"demo"}
        # Each series has its progress, by the same method.
        assert indicator.series_snapshots.values("breakdown").distinct().count() == 19
