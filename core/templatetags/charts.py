from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The same escapes as Django's json_script: the JSON cannot end the element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.inclusion_tag("_partials/chart.html")
def chart(view):
    """Render a core.charts.ChartView: figure, summary and data table."""
    return {"chart": view}


@register.simple_tag
def figure_data(view):
    escaped = view.figure_json.translate(_JSON_ESCAPES)
    return format_html(
        '<script type="application/json" id="{}-data">{}</script>',
        view.chart_id,
        mark_safe(escaped),  # noqa: S308 - JSON with <, > and & escaped above
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")
