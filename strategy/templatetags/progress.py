from django import template
from django.utils.html import format_html

from core.numbers import score_text
from strategy.models import ProgressStatus
from strategy.status_style import status_icon

register = template.Library()
LABELS = dict(ProgressStatus.choices)


@register.inclusion_tag("_partials/status_badge.html")
def status_badge(status: str | None):
    """Icon and text for a progress status: colour is never the only carrier."""
    status = status or ProgressStatus.NOT_AVAILABLE
    return {
        "status": status,
        "icon": status_icon(status),
        "label": LABELS.get(status, LABELS[ProgressStatus.NOT_AVAILABLE]),
    }


@register.filter
def score(value) -> str:
    """A score of -5..5 as ``core.numbers.score_text`` writes it (``+3,9``)."""
    return score_text(value)


@register.simple_tag
def sparkline(points, width: int = 120, height: int = 28):
    """A small inline SVG line of ``(time, value)`` points; decorative only.

    The page states the latest value in text next to it, so the SVG is hidden
    from screen readers.
    """
    if len(points) < 2:
        return ""
    times = [t for t, _v in points]
    values = [v for _t, v in points]
    t0, t1 = min(times), max(times)
    v0, v1 = min(values), max(values)
    span_t = (t1 - t0) or 1
    span_v = (v1 - v0) or 1
    pad = 2
    coords = " ".join(
        f"{pad + (t - t0) / span_t * (width - 2 * pad):.1f},"
        f"{height - pad - (v - v0) / span_v * (height - 2 * pad):.1f}"
        for t, v in points
    )
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" '
        'aria-hidden="true" focusable="false"><polyline points="{}" fill="none" '
        'stroke="currentColor" stroke-width="1.5"/></svg>',
        width,
        height,
        width,
        height,
        coords,
    )
