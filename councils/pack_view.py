"""The frozen pack content shaped for the page and the PDF (the same figures)."""

from dataclasses import dataclass

from core.charts import ChartView
from core.numbers import number_text
from core.texts import in_language
from indicators.charts import indicator_value_chart
from indicators.dashboard import chart_data
from indicators.progress import stored_components

from .models import MeetingSnapshot


@dataclass(frozen=True)
class PackIndicator:
    data: dict
    chart: ChartView


@dataclass(frozen=True)
class PackItem:
    data: dict
    indicators: list[PackIndicator]


@dataclass(frozen=True)
class PackView:
    snapshot: MeetingSnapshot
    content: dict
    items: list[PackItem]

    def charts(self) -> list[ChartView]:
        return [i.chart for item in self.items for i in item.indicators]


def _indicator(item_number: str, data: dict) -> PackIndicator:
    chart = indicator_value_chart(
        chart_data(
            code=f"{data['code']}-{item_number.replace('/', '-')}",
            name=in_language(data, "name"),
            unit_label=data["unit_label"],
            official=[tuple(point) for point in data["series"]],
            provisional=[],
            components=stored_components(data["components"]),
        ),
        number_text,
    )
    return PackIndicator(data=data, chart=chart)


def pack_view(snapshot: MeetingSnapshot) -> PackView:
    content = snapshot.content
    items = [
        PackItem(
            data=item,
            indicators=[_indicator(item["case_number"], i) for i in item["indicators"]],
        )
        for item in content["items"]
    ]
    return PackView(snapshot=snapshot, content=content, items=items)
