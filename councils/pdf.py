"""The meeting pack as a PDF: the pack template, charts as SVG, WeasyPrint.

Charts are exported by Plotly's kaleido through the machine's Chromium
(CHROMIUM_PATH), never a downloaded browser.
"""

import os

import plotly.io as pio
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import MeetingSnapshot
from .pack_view import pack_view

# The text column of an A4 page with 16 mm side margins (pack_pdf.html): 178 mm
# is 672 CSS pixels, so a chart is drawn as wide as the page has room for.
CHART_WIDTH_PX = 672
CHART_HEIGHT_PX = 336


def chart_svg(figure_json: str) -> str:
    os.environ.setdefault("BROWSER_PATH", settings.CHROMIUM_PATH)
    figure = pio.from_json(figure_json)
    svg = pio.to_image(
        figure, format="svg", width=CHART_WIDTH_PX, height=CHART_HEIGHT_PX
    )
    return svg.decode()


def pack_pdf_bytes(*, snapshot: MeetingSnapshot) -> bytes:
    # WeasyPrint takes half a second to import: only the PDF task pays it.
    from weasyprint import HTML

    with translation.override(settings.LANGUAGE_CODE):
        view = pack_view(snapshot)
        svgs = {chart.chart_id: chart_svg(chart.figure_json) for chart in view.charts()}
        html = render_to_string(
            "councils/pack_pdf.html", {"pack": view, "snapshot": snapshot, "svgs": svgs}
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
