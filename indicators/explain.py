"""The status explainer: why a snapshot has its status, from its stored components.

Used by the indicator page (``templates/indicators/_status_explainer.html``)
and the API (``Explanation.as_dict()``). It only reads a stored snapshot and
never recomputes. Texts are English msgids translated to Norwegian in the
catalogue; numbers stay numbers so that each consumer formats them.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.numbers import (
    method_number_text,
    percent_text,
    score_text,
    with_unit,
)
from strategy.models import ProgressStatus

from . import progress
from .models import ProgressSnapshot
from .parsing import period_label_from_time

CAGR_FORMULA = "CAGR(v₁, v₀, t₁, t₀) = (v₁ / v₀)^(1 / (t₁ − t₀)) − 1"
FORMULAS = {
    progress.METHOD_TARGET: "s · d · CAGR(yₜ, y₀, t, t₀) / |CAGR(y_T, y₀, T, t₀)|",
    progress.METHOD_NO_TARGET: "s · d · CAGR(yₜ, y₀, t, t₀)",
}
METHOD_LABELS = {
    progress.METHOD_TARGET: gettext_lazy(
        "Growth rate compared with the growth rate needed to reach the target "
        "(Open SDG method 2)"
    ),
    progress.METHOD_NO_TARGET: gettext_lazy(
        "Growth rate in the desired direction, without a target (Open SDG method 1)"
    ),
}
REASONS = {
    progress.REASON_NO_DATA: gettext_lazy("There is no approved value yet."),
    progress.REASON_TOO_FEW_POINTS: gettext_lazy(
        "At least two points in time are needed: a baseline or an earlier "
        "approved value, and a current approved value."
    ),
    progress.REASON_TOO_SHORT: gettext_lazy(
        "The current value is less than a year after the base point."
    ),
    progress.REASON_OPPOSITE_SIGNS: gettext_lazy(
        "The base value and the current value have opposite signs, so no "
        "growth rate can be computed."
    ),
    progress.REASON_TARGET_UNREACHABLE: gettext_lazy(
        "The growth needed to reach the target cannot be computed: the target "
        "equals the base value, has the opposite sign, or is due in the base year."
    ),
}
OUT_OF_RANGE = gettext_lazy("outside the measurable range")
THRESHOLD_STATUSES = (
    ("high", ProgressStatus.SUBSTANTIAL_PROGRESS),
    ("med", ProgressStatus.MODERATE_PROGRESS),
    ("low", ProgressStatus.LIMITED_PROGRESS),
)
# (component, label, kind): kind tells how to write the number: a value of the
# indicator (with its unit), a plain number, a rate (percent) or a year.
INPUT_ROWS = (
    ("base_time", gettext_lazy("Base point: time"), "year"),
    ("base_value", gettext_lazy("Base point: value"), "value"),
    ("current_time", gettext_lazy("Current point: time"), "year"),
    ("current_value", gettext_lazy("Current point: value"), "value"),
    ("target_time", gettext_lazy("Target year"), "year"),
    ("target_value", gettext_lazy("Target value"), "value"),
    ("limit", gettext_lazy("Natural limit"), "value"),
    ("cagr_observed", gettext_lazy("Observed annual growth (CAGR)"), "percent"),
    (
        "cagr_target",
        gettext_lazy("Annual growth needed from base to target"),
        "percent",
    ),
    ("coefficient", gettext_lazy("Limit coefficient C"), "number"),
)
COUNCIL_ROWS = (
    (
        "projected_value_at_target",
        gettext_lazy("Projected value in the target year at the observed growth"),
        "value",
    ),
    (
        "expected_value_now",
        gettext_lazy("Expected value now on a straight line from base to target"),
        "value",
    ),
    (
        "share_of_distance_covered",
        gettext_lazy("Share of the distance from base to target covered"),
        "percent",
    ),
    (
        "required_annual_growth",
        gettext_lazy("Annual growth still required to reach the target"),
        "percent",
    ),
)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: float | None  # None: outside the measurable range
    kind: str  # value, number, percent (a rate: 0.05 is 5 %) or year
    display: str  # the value formatted for the active language, with its unit


@dataclass(frozen=True)
class Threshold:
    name: str
    value: float
    status: str
    status_label: str
    reached: bool
    display: str  # up to four decimals: 0,95 and 0,0123


@dataclass(frozen=True)
class Explanation:
    status: str
    status_label: str
    score: float | None
    progress_value: float | None
    method: str
    method_label: str
    summary: str
    formula: str
    cagr_formula: str
    inputs: list[Row] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    council: list[Row] = field(default_factory=list)
    score_display: str = ""  # +3,9, as on the rest of the page
    progress_value_display: str = ""

    def as_dict(self) -> dict:
        """Plain JSON data for the API: numbers as numbers, texts translated."""
        return asdict(self)


def status_explain(
    *,
    status: str,
    score: float | None,
    progress_value: float | None,
    method: str,
    components: progress.Components,
    unit_label: str = "",
) -> Explanation:
    """Explain a stored status in the active language; values with their unit."""
    return Explanation(
        status=status,
        status_label=str(ProgressStatus(status).label),
        score=score,
        progress_value=progress_value,
        method=method,
        method_label=str(METHOD_LABELS.get(method, method)),
        summary=_summary(status, progress_value, components, unit_label),
        formula=FORMULAS.get(method, ""),
        cagr_formula=CAGR_FORMULA,
        inputs=_rows(INPUT_ROWS, components, unit_label),
        thresholds=_thresholds(progress_value, components.get("thresholds")),
        council=_rows(COUNCIL_ROWS, components, unit_label),
        score_display=score_text(score),
        progress_value_display=method_number_text(progress_value),
    )


def snapshot_explain(snapshot: ProgressSnapshot, unit_label: str = "") -> Explanation:
    """Explain a ``ProgressSnapshot``."""
    return status_explain(
        status=snapshot.status,
        score=snapshot.score,
        progress_value=snapshot.progress_value,
        method=snapshot.method,
        components=progress.stored_components(snapshot.components),
        unit_label=unit_label,
    )


def _rows(spec, components: progress.Components, unit_label: str) -> list[Row]:
    figures: Mapping[str, object] = components  # keyed by the spec's names
    beyond = set(components.get("out_of_range") or ())
    rows = []
    for key, label, kind in spec:
        value = figures.get(key)
        if key in beyond:
            rows.append(Row(key, str(label), None, kind, str(OUT_OF_RANGE)))
        elif isinstance(value, int | float):
            display = _display(value, kind, unit_label) + _note(key, components)
            rows.append(Row(key, str(label), value, kind, display))
    return rows


def _note(key: str, components: progress.Components) -> str:
    """Says that a projection stopped at the natural limit, and when."""
    if key != "projected_value_at_target" or not components.get("projection_at_limit"):
        return ""
    reached = components.get("limit_reached_time")
    if reached is None:
        note = _("the natural limit")
    else:
        note = _("the natural limit, reached in %(year)s") % {"year": int(reached)}
    return f" ({note})"


def _display(value: float, kind: str, unit_label: str) -> str:
    if kind == "percent":
        return percent_text(value)
    if kind == "year":
        return period_label_from_time(value)
    if kind == "value":
        return with_unit(method_number_text(value), unit_label)
    return method_number_text(value)


def _thresholds(value: float | None, thresholds: dict | None) -> list[Threshold]:
    if not thresholds:
        return []
    return [
        Threshold(
            name=name,
            value=thresholds[name],
            status=status.value,
            status_label=str(status.label),
            reached=value is not None and value >= thresholds[name],
            display=method_number_text(thresholds[name], places=4),
        )
        for name, status in THRESHOLD_STATUSES
    ]


def _summary(
    status: str, value: float | None, components: progress.Components, unit: str
) -> str:
    if status == ProgressStatus.TARGET_ACHIEVED:
        return _(
            "The current value %(current)s has reached the target %(target)s, "
            "so the score is 5."
        ) % {
            "current": with_unit(
                method_number_text(components.get("current_value")), unit
            ),
            "target": with_unit(
                method_number_text(components.get("target_value")), unit
            ),
        }
    if status == ProgressStatus.NOT_AVAILABLE:
        return str(REASONS.get(components.get("reason") or "", ""))
    thresholds = _thresholds(value, components.get("thresholds"))
    reached = next((t for t in thresholds if t.reached), None)
    if reached is None:
        return _(
            "The progress value %(value)s is below the lowest threshold "
            "%(threshold)s: the development goes the wrong way."
        ) % {
            "value": method_number_text(value),
            "threshold": method_number_text(thresholds[-1].value),
        }
    return _(
        "The progress value %(value)s is at or above the threshold %(threshold)s "
        "for “%(status)s”."
    ) % {
        "value": method_number_text(value),
        "threshold": method_number_text(reached.value),
        "status": reached.status_label,
    }
