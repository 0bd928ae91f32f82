"""What the indicator page shows as of a date: status, explanation and charts.

Reads stored snapshots and official values only; nothing is computed in the
request but the figure layout.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format

from core.charts import ChartView
from core.numbers import number_text, percent_text
from core.texts import in_language

from .charts import ChartPoint, IndicatorChartData, indicator_value_chart, pace_chart
from .explain import Explanation, snapshot_explain
from .maps import (
    BY_STATUS,
    COUNTY,
    HEALTH_REGION,
    RegionArea,
    RegionMapView,
    RegionSeries,
    on_track_text,
    region_comparison_figure,
    region_map,
)
from .models import BreakdownDimension, Indicator, ProgressSnapshot, ValueStatus
from .parsing import period_label_from_time
from .progress import Components, stored_components
from .selectors import region_categories
from .snapshots import (
    breakdown_series,
    indicator_series,
    series_snapshots_as_of,
    snapshot_as_of,
)

REGION_PREFIX = f"{BreakdownDimension.REGION}:"


@dataclass(frozen=True)
class RegionalView:
    """An indicator's regional series as of a date: the map, the count of
    regions on track at each level, the comparison with the national figure."""

    level: str
    colour_by: str
    levels: list[str]  # the levels that have series, for the switch
    map: RegionMapView
    comparison: ChartView
    on_track: dict[str, str]  # level → "9 of 15 counties on track"
    series_count: int


@dataclass(frozen=True)
class IndicatorDashboard:
    as_of: dt.date
    snapshot: ProgressSnapshot | None
    explanation: Explanation | None
    value_chart: ChartView
    pace_chart: ChartView | None
    regional: RegionalView | None = None


def indicator_dashboard(
    *,
    indicator: Indicator,
    as_of: dt.date | None = None,
    level: str | None = None,
    colour_by: str = BY_STATUS,
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
        regional=regional_view(
            indicator=indicator,
            day=day,
            national=data.approved,
            level=level,
            colour_by=colour_by,
        ),
    )


def regional_view(
    *,
    indicator: Indicator,
    day: dt.date,
    national: Sequence[ChartPoint],
    level: str | None = None,
    colour_by: str = BY_STATUS,
) -> RegionalView | None:
    """The regional series of an indicator as of ``day``, None without any.

    Three queries however many series: their values, their snapshots and the
    region code list; none for an indicator known to declare no breakdown.
    """
    if not getattr(indicator, "has_breakdowns", True):
        return None
    series = {
        breakdown: points
        for (_pk, breakdown), points in breakdown_series(
            indicator_ids=[indicator.pk], as_of=day
        ).items()
        if breakdown.startswith(REGION_PREFIX) and "," not in breakdown
    }
    if not series:
        return None
    snapshots = series_snapshots_as_of(indicator_id=indicator.pk, as_of=day)
    areas: dict[str, list[RegionArea]] = {COUNTY: [], HEALTH_REGION: []}
    lines: dict[str, list[RegionSeries]] = {COUNTY: [], HEALTH_REGION: []}
    for code, name, region_level in region_categories(levels=(COUNTY, HEALTH_REGION)):
        key = f"{REGION_PREFIX}{code}"
        points = [
            ChartPoint(period_label_from_time(t), t, v) for t, v in series.get(key, [])
        ]
        snapshot = snapshots.get(key)
        latest = points[-1] if points else None
        areas[region_level].append(
            RegionArea(
                code=code,
                name=name,
                value=None if latest is None else Decimal(str(latest.value)),
                status=snapshot.status if snapshot and points else None,
                period=latest.label if latest else "",
            )
        )
        if points:
            lines[region_level].append(RegionSeries(code, name, points))
    levels = [lvl for lvl in (COUNTY, HEALTH_REGION) if lines[lvl]]
    chosen = level if level in levels else levels[0]
    return RegionalView(
        level=chosen,
        colour_by=colour_by,
        levels=levels,
        map=region_map(
            areas[chosen],
            level=chosen,
            colour_by=colour_by,
            unit_label=indicator.unit_label,
        ),
        comparison=region_comparison_figure(
            national,
            lines[chosen],
            unit_label=indicator.unit_label,
            as_of_label=date_format(day, "DATE_FORMAT"),
        ),
        on_track={lvl: on_track_text(areas[lvl], lvl) for lvl in levels},
        series_count=len(series),
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
            status=ValueStatus.SUBMITTED, superseded_at__isnull=True, breakdown=""
        )
        .order_by()  # sorted below; the model's ordering would join two tables
        .values_list("period_start", "value")
    )
    return sorted(
        (start.year + (start.month - 1) / 12, float(value)) for start, value in rows
    )
