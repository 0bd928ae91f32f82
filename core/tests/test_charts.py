import json

import plotly.graph_objects as go
from django.template import Context, Template

from core.charts import chart_view


def make_view(title="Andel", name="Verdi <b>&</b> </script>"):
    figure = go.Figure(go.Scatter(x=[2020, 2021], y=[1.5, 2.5], name=name))
    return chart_view(
        figure,
        chart_id="demo-chart",
        title=title,
        summary="Verdien økte fra 1,5 til 2,5.",
        columns=["År", "Verdi"],
        rows=[[2020, "1,5"], [2021, "2,5"]],
    )


def test_chart_view_carries_the_figure_as_json_and_its_title_beside_it():
    view = make_view(title="Andel")
    figure = json.loads(view.figure_json)
    assert figure["data"][0]["y"] == [1.5, 2.5]
    # The page's heading is the title: none inside the drawing to collide with.
    assert view.title == "Andel" and "title" not in figure["layout"]


def test_every_legend_sits_above_the_plot_where_no_title_is():
    """The outside test: the axis title "Antall indikatorer" lay under a
    legend placed below the plot, and a legend above it under the title."""
    figure = go.Figure(go.Scatter(x=[1], y=[1]))
    figure.update_layout(
        title={"text": "Tittel"}, legend={"orientation": "h", "y": -0.25}
    )
    view = chart_view(figure, chart_id="c", title="T", summary="", columns=[], rows=[])
    layout = json.loads(view.figure_json)["layout"]
    assert "title" not in layout
    assert layout["legend"]["y"] >= 1 and layout["legend"]["yanchor"] == "bottom"
    assert layout["legend"]["xanchor"] == "left"


def render(view) -> str:
    return Template("{% load charts %}{% chart view %}").render(Context({"view": view}))


def test_chart_renders_data_summary_and_table_without_inline_script():
    html = render(make_view())
    assert '<script type="application/json" id="demo-chart-data">' in html
    assert "Verdien økte fra 1,5 til 2,5." in html
    assert '<th scope="row">2020</th><td>1,5</td>' in html
    assert 'data-figure="demo-chart-data"' in html
    # Only the JSON data element: nothing executable.
    assert html.count("<script") == 1


def test_figure_json_cannot_break_out_of_its_element():
    html = render(make_view())
    data = html.split('id="demo-chart-data">')[1].split("</script>")[0]
    assert "</script>" not in data and "<b>" not in data
    name = json.loads(data)["data"][0]["name"]
    assert name == "Verdi &lt;b&gt;&amp;&lt;/b&gt; &lt;/script&gt;"


def test_text_in_a_figure_is_plain_text_not_markup():
    """The outside test: an indicator named '<a href="http://…">' became a
    clickable link in the Plotly chart (Plotly reads HTML in its texts)."""
    from core.charts import Figure

    link = '<a href="http://evil.example">klikk</a>'
    figure = Figure()
    figure.add_scatter(
        x=[2020, 2021],
        y=[link, "ok"],
        name=link,
        text=[link, "ok"],
        customdata=[link, "ok"],
        hovertemplate="%{customdata}<br>%{y}<extra></extra>",
    )
    figure.update_layout(yaxis={"title": {"text": link}})
    view = chart_view(figure, chart_id="c", title=link, summary="", columns=[], rows=[])
    data = json.loads(view.figure_json)
    assert "<a" not in view.figure_json
    assert data["layout"]["yaxis"]["title"]["text"].startswith("&lt;a href=")
    assert data["data"][0]["name"] == data["layout"]["yaxis"]["title"]["text"]
    assert data["data"][0]["hovertemplate"] == "%{customdata}<br>%{y}<extra></extra>"
    assert view.title == link  # the page's own heading is escaped by Django


def test_a_chart_with_nothing_to_draw_shows_its_title_and_summary_but_no_empty_axes():
    from core.charts import Figure

    figure = Figure()
    figure.add_scatter(x=[], y=[], name="Godkjent verdi")
    view = chart_view(
        figure,
        chart_id="empty-chart",
        title="Indikator 1: verdier",
        summary="Ingen godkjente verdier ennå.",
        columns=["År", "Verdi"],
        rows=[],
    )
    assert view.is_empty
    html = render(view)
    assert "Indikator 1: verdier" in html and "Ingen godkjente verdier ennå." in html
    assert "chart-plot" not in html and "<script" not in html
    assert not make_view().is_empty


def test_plotly_writes_numbers_as_the_language_does():
    from django.utils import translation

    with translation.override("nb"):
        assert json.loads(make_view().figure_json)["layout"]["separators"] == ",\xa0"
    with translation.override("en"):
        assert json.loads(make_view().figure_json)["layout"]["separators"] == ".,"


def test_the_data_table_rows_are_escaped_and_localised_like_template_cells():
    from decimal import Decimal

    from django.utils import translation

    view = chart_view(
        go.Figure(go.Scatter(x=[2020], y=[1.5])),
        chart_id="t",
        title="T",
        summary="S",
        columns=["År", "Verdi", "Merknad"],
        rows=[["<b>2020</b>", Decimal("1.5"), "a & b"]],
    )
    with translation.override("nb"):
        html = render(view)
    assert (
        '<tr><th scope="row">&lt;b&gt;2020&lt;/b&gt;</th><td>1,5</td>'
        "<td>a &amp; b</td></tr>"
    ) in html
