"""What the indicator page shows as of a date: status, explanation and charts.

Reads stored snapshots and official values only; nothing is computed in the
request but the figure layout.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from core.charts import ChartView
from core.numbers import number_text, percent_text
from core.texts import in_language

from .charts import ChartPoint, IndicatorChartData, indicator_value_chart, pace_chart
from .explain import Explanation, snapshot_explain
from .models import Indicator, ProgressSnapshot, ValueStatus
from .parsing import period_label_from_time
from .progress import Components, stored_components
from .snapshots import indicator_series, snapshot_as_of


@dataclass(frozen=True)
class IndicatorDashboard:
    as_of: dt.date
    snapshot: ProgressSnapshot | None
    explanation: Explanation | None
    value_chart: ChartView
    pace_chart: ChartView | None


def indicator_dashboard(
    *, indicator: Indicator, as_of: dt.date | None = None
) -> IndicatorDashboard:
    day = as_of or timezone.localdate()
    snapshot = snapshot_as_of(indicator_id=indicator.pk, as_of=day)
    components = stored_components(snapshot.components if snapshot else None)
    official = indicator_series(indicator_ids=[indicator.pk], as_of=day).get(
        indicator.pk, []
    )
    # Values waiting for approval are today's: a past day's chart has none.
    waiting = _provisional_points(indicator) if as_of is None else []
    # Drawn only where no official value is: a correction is counted, not drawn.
    provisional = [
        (t, v) for t, v in waiting if not any(abs(t - ot) < 1e-9 for ot, _ in official)
    ]
    data = chart_data(
        code=indicator.code,
        name=in_language(indicator, "name"),
        unit_label=indicator.unit_label,
        official=official,
        provisional=provisional,
        components=components,
        waiting=len(waiting),
    )
    pace = None
    required = components.get("required_annual_growth")
    # A target reached needs no pace; "a fall is needed" would only mislead.
    if required is not None and not components.get("target_achieved"):
        pace = pace_chart(
            code=indicator.code,
            direction=components.get("direction") or 1,
            observed_growth=components.get("cagr_observed"),
            required_growth=components.get("required_annual_growth"),
            fmt_percent=percent_text,
        )
    return IndicatorDashboard(
        as_of=day,
        snapshot=snapshot,
        explanation=snapshot_explain(snapshot, indicator.unit_label)
        if snapshot
        else None,
        value_chart=indicator_value_chart(data, number_text),
        pace_chart=pace,
    )


def chart_data(
    *,
    code: str,
    name: str,
    unit_label: str,
    official: list,
    provisional: list,
    components: Components,
    waiting: int | None = None,
) -> IndicatorChartData:
    """Chart input from a series and a snapshot's components (live or frozen)."""
    return IndicatorChartData(
        code=code,
        name=name,
        unit_label=unit_label,
        approved=[ChartPoint(period_label_from_time(t), t, v) for t, v in official],
        provisional=[
            ChartPoint(period_label_from_time(t), t, v) for t, v in provisional
        ],
        baseline=_point(components.get("base_time"), components.get("base_value")),
        target=_point(components.get("target_time"), components.get("target_value")),
        projected_at_target=components.get("projected_value_at_target"),
        limit_reached=_limit_reached(components),
        projection_out_of_range="projected_value_at_target"
        in (components.get("out_of_range") or []),
        waiting=waiting,
    )


def _limit_reached(components: Components) -> ChartPoint | None:
    """Where the projection meets the natural limit, if it would pass it."""
    if not components.get("projection_at_limit"):
        return None
    time = components.get("limit_reached_time") or components.get("target_time")
    limit = components.get("limit")
    if time is None or limit is None:
        return None
    # Any moment of a year, not a period's start: named by its year.
    return ChartPoint(str(int(time)), float(time), float(limit))


def _point(time, value) -> ChartPoint | None:
    if time is None or value is None:
        return None
    return ChartPoint(period_label_from_time(float(time)), float(time), float(value))


def _provisional_points(indicator: Indicator) -> list[tuple[float, float]]:
    """Submitted values waiting for approval: shown, marked, never official."""
    rows = (
        indicator.values.filter(
            status=ValueStatus.SUBMITTED, superseded_at__isnull=True
        )
        .order_by()  # sorted below; the model's ordering would join two tables
        .values_list("period_start", "value")
    )
    return sorted(
        (start.year + (start.month - 1) / 12, float(value)) for start, value in rows
    )
