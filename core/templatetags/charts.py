from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
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


@register.simple_tag
def chart_table_rows(view):
    """The data table's body rows, the first cell of each a row header.

    Built here rather than with nested template loops: a chart of ten years of
    monthly values has 120 rows, and the loops cost several milliseconds.
    Cells are localised and escaped as ``{{ cell }}`` would be.
    """
    html = []
    for row in view.rows:
        # A bokmål name (core.texts.NorwegianText) is marked as such.
        langs = [
            f' lang="{cell.lang}"' if hasattr(cell, "lang") else "" for cell in row
        ]
        cells = [conditional_escape(localize(cell)) for cell in row]
        html.append(f'<tr><th scope="row"{langs[0]}>{cells[0]}</th>')
        html.extend(
            f"<td{lang}>{cell}</td>"
            for lang, cell in zip(langs[1:], cells[1:], strict=True)
        )
        html.append("</tr>")
    return mark_safe("".join(html))  # noqa: S308 - every cell escaped above
