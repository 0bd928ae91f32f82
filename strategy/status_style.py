"""How a progress status looks on every chart and map: below every chart
module (goal charts, indicator maps), beside the status vocabulary itself."""

from core.charts import PALETTE

from .models import ProgressStatus

# Colour, fill pattern and icon per status: colour is never the only carrier.
STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    ProgressStatus.TARGET_ACHIEVED: (PALETTE["green"], "", "✔"),
    ProgressStatus.SUBSTANTIAL_PROGRESS: (PALETTE["sky"], "/", "▲"),
    ProgressStatus.MODERATE_PROGRESS: (PALETTE["yellow"], ".", "↗"),
    ProgressStatus.LIMITED_PROGRESS: (PALETTE["orange"], "x", "→"),
    ProgressStatus.DETERIORATION: (PALETTE["vermillion"], "-", "▼"),
    ProgressStatus.NOT_AVAILABLE: ("#bbbbbb", "+", "?"),
}


def status_icon(status: str) -> str:
    return STATUS_STYLE.get(status, STATUS_STYLE[ProgressStatus.NOT_AVAILABLE])[2]
