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


def chart_svg(figure_json: str) -> str:
    os.environ.setdefault("BROWSER_PATH", settings.CHROMIUM_PATH)
    figure = pio.from_json(figure_json)
    svg = pio.to_image(figure, format="svg", width=720, height=360)
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
