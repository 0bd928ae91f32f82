"""The roadmap pages: list, upload with preview then commit, version changes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from initiatives.models import Delivery, RoadmapImport
from initiatives.tests.helpers import edited_copy, read_rows, write_rows
from strategy.models import Goal
from tests.factories import DeliveryFactory, InitiativeFactory

ROADMAP = reverse("initiatives:roadmap")
DELIVERIES = reverse("initiatives:roadmap_deliveries")
UPLOAD = reverse("initiatives:roadmap_upload")
HTMX = {"HTTP_HX_REQUEST": "true"}


def deliveries(client, params=None):
    """The roadmap's deliveries fragment, as the page's htmx request gets it."""
    return client.get(DELIVERIES, params or {}, **HTMX)


def upload(client, text: str, version: str = "2026-08", name: str = "veikart.csv"):
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(UPLOAD, {"file": file, "version": version})


def commit(client, preview_response):
    form = preview_response.context["commit_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(UPLOAD, {**data, "commit": "1"})


@pytest.mark.parametrize("url", [ROADMAP, DELIVERIES, UPLOAD])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [ROADMAP, DELIVERIES, UPLOAD])
def test_integration_and_roleless_users_get_403(
    client, integration_user, outsider, url
):
    for user in (integration_user, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_council_member_sees_the_roadmap_but_cannot_import(
    client, council_member, imported_roadmap
):
    client.force_login(council_member)
    response = client.get(ROADMAP)
    assert response.status_code == 200
    assert "2026-08" in response.content.decode()
    assert f'hx-get="{DELIVERIES}"' in response.content.decode()
    response = deliveries(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(response.context["deliveries"]) == 263
    assert "Fullmakt konsept EHDS" in html
    assert "Tilpasning - innføring" in html
    assert "Roadmap version 2026-08" in html
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, "x").status_code == 403


def test_the_roadmap_can_be_filtered_by_goal_and_show_removed(
    client, council_member, imported_roadmap
):
    Delivery.objects.filter(roadmap_id="56876000020107079").update(
        removed_in_version="2026-12"
    )
    client.force_login(council_member)
    page = client.get(ROADMAP, {"goal": "M5"}).content.decode()
    assert f'hx-get="{DELIVERIES}?goal=M5"' in page
    m5 = deliveries(client, {"goal": "M5"}).context["deliveries"]
    assert len(m5) == 15
    removed = deliveries(client, {"removed": "1"}).context["deliveries"]
    assert [d.delivery.roadmap_id for d in removed] == ["56876000020107079"]
    assert len(deliveries(client).context["deliveries"]) == 262


def test_secretariat_previews_then_commits_the_real_file(
    client, secretariat, real_strategy, roadmap_text
):
    client.force_login(secretariat)
    assert client.get(UPLOAD).status_code == 200
    preview = upload(client, roadmap_text)
    assert preview.status_code == 200
    assert preview.context["result"].counts["added"] == 263
    assert "Nothing has been saved yet." in preview.content.decode()
    assert Delivery.objects.count() == 0

    response = commit(client, preview)
    record = RoadmapImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url()
    assert (record.imported_by, record.file_name) == (secretariat, "veikart.csv")
    assert Delivery.objects.count() == 263
    assert Delivery.history.filter(history_user=secretariat).count() == 263

    detail = client.get(record.get_absolute_url())
    assert detail.status_code == 200
    assert len(detail.context["changes"]) == 263

    # Previewing and committing the same file again changes nothing.
    again = commit(client, upload(client, roadmap_text))
    assert again.status_code == 302 and again["Location"] == ROADMAP
    assert RoadmapImport.objects.count() == 1


def test_an_edited_copy_shows_its_changes_in_preview_and_history(
    client, secretariat, imported_roadmap, roadmap_text
):
    text, _ = edited_copy(roadmap_text)
    client.force_login(secretariat)
    preview = upload(client, text, version="2026-12")
    previewed = [(c.roadmap_id, c.kind) for c in preview.context["result"].changes]
    assert len(previewed) == 4
    html = preview.content.decode()
    assert "I bruk" in html and "2026-09-01" in html

    commit(client, preview)
    record = RoadmapImport.objects.get(version="2026-12")
    history = client.get(record.get_absolute_url()).context["changes"]
    assert [(c.roadmap_id, c.kind) for c in history] == previewed


def test_a_bad_file_is_refused_with_row_numbers_and_nothing_written(
    client, secretariat, real_strategy, roadmap_text
):
    rows = read_rows(roadmap_text)
    rows[3][3] = "31.02.2026"
    rows[7][8] = rows[6][8]
    client.force_login(secretariat)
    response = upload(client, write_rows(rows))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Startdato &#x27;31.02.2026&#x27; is not a date" in html
    assert "Row 4 (line " in html
    assert "is also on row 7." in html
    assert "commit_form" not in response.context
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "version", "message"),
    [
        (b"\xff\xfe bad", "2026-08", "not UTF-8"),
        (b"a;b\n", "august", "Use year and month"),
        (b"", "2026-08", "The submitted file is empty"),
    ],
)
def test_bad_uploads_get_a_clear_form_error(
    client, secretariat, db, content, version, message
):
    client.force_login(secretariat)
    file = SimpleUploadedFile("v.csv", content)
    response = client.post(UPLOAD, {"file": file, "version": version})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_tampered_or_stale_commit_is_refused(
    client, secretariat, imported_roadmap, roadmap_text
):
    client.force_login(secretariat)
    response = client.post(UPLOAD, {"commit": "1", "version": "2026-12"})
    assert response.status_code == 400

    preview = upload(client, edited_copy(roadmap_text)[0], version="2026-12")
    Delivery.objects.filter(roadmap_id="56876000020107079").update(phase="Konsept")
    response = commit(client, preview)
    assert response.status_code == 409
    assert "changed since the preview" in response.content.decode()
    assert not RoadmapImport.objects.filter(version="2026-12").exists()


def test_wrong_methods_are_refused(client, secretariat, db):
    client.force_login(secretariat)
    assert client.post(ROADMAP).status_code == 405
    assert client.post(DELIVERIES).status_code == 405
    assert client.put(UPLOAD).status_code == 405


def test_an_unknown_import_is_404(client, council_member):
    client.force_login(council_member)
    url = reverse("initiatives:roadmap_import_detail", args=[999])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("count", [2, 30])
def test_roadmap_query_count_does_not_grow(
    client, council_member, django_assert_max_num_queries, count
):
    initiative = InitiativeFactory()
    DeliveryFactory.create_batch(count, initiative=initiative, phase="Innføring")
    client.force_login(council_member)
    # session, user, roles, goals and sub-goals for the filters, imports,
    # saving the session (3)
    with django_assert_max_num_queries(9):
        assert client.get(ROADMAP).status_code == 200
    # the same, with the version shown and the deliveries instead of imports
    with django_assert_max_num_queries(10):
        response = deliveries(client)
    assert len(response.context["deliveries"]) == count


def test_roadmap_filters_and_overview(client, council_member, imported_roadmap):
    client.force_login(council_member)
    tentative = deliveries(client, {"planning_status": "Tentativ"})
    assert len(tentative.context["deliveries"]) == 59
    in_use = deliveries(client, {"step": "5"}).context["deliveries"]
    assert in_use and all(5 in row.span.steps for row in in_use)
    sub_goal = deliveries(client, {"sub_goal": "5B"}).context["deliveries"]
    assert len(sub_goal) == 2
    assert "plotly.min.js" in client.get(ROADMAP, {"goal": "M5"}).content.decode()
    html = deliveries(client, {"goal": "M5"}).content.decode()
    assert 'id="chart-roadmap"' in html and "<html" not in html


def test_deliveries_are_grouped_by_goal_and_sub_goal_in_one_table_layout(
    client, council_member, imported_roadmap
):
    client.force_login(council_member)
    response = deliveries(client)
    html = response.content.decode()
    goals = html.count('<details class="ds-details roadmap-goal"')
    assert goals == 5  # every goal of the real strategy has deliveries
    sub_goals = html.count('class="ds-details roadmap-sub-goal"')
    assert sub_goals > goals
    assert " open>" not in html  # all closed: the page starts short
    # One table per sub-goal (not one per initiative), its initiatives as
    # row groups headed by a link to the initiative.
    tables = html.count('<table class="ds-table deliveries roadmap-table"')
    assert tables == sub_goals
    initiatives = {row.delivery.initiative_id for row in response.context["deliveries"]}
    assert html.count('<th scope="rowgroup" colspan="7"><a href=') == len(initiatives)
    # Every table the same columns, by one shared colgroup.
    assert html.count('<colgroup><col class="c-delivery">') == tables
    # A goal chosen in the filters opens its section.
    one = deliveries(client, {"goal": "M5"}).content.decode()
    assert one.count('class="ds-details roadmap-goal" id="g-M5" open>') == 1
    # The table alternative of the overview chart is there too.
    assert 'class="chart-table"' in html


def test_roadmap_refuses_unknown_filter_values(client, council_member, real_strategy):
    client.force_login(council_member)
    for params in ({"goal": "M9"}, {"step": "7"}, {"planning_status": "Kanskje"}):
        for response in (
            client.get(ROADMAP, params),
            client.get(DELIVERIES, params),
            deliveries(client, params),
        ):
            assert response.status_code == 400
            assert 'aria-invalid="true"' in response.content.decode()


def test_overview_chart_counts_deliveries_per_goal_phase_and_year(imported_roadmap):
    import datetime as dt
    import json

    from initiatives.charts import roadmap_overview_chart
    from initiatives.selectors import delivery_rows

    today = dt.date(2026, 11, 22)
    rows = delivery_rows(today=today)
    goals = {goal.pk: goal for goal in Goal.objects.all()}
    view = roadmap_overview_chart(rows, today=today, goals=goals)
    figure = json.loads(view.figure_json)
    layout = figure["layout"]
    dated = sum(1 for row in rows if row.delivery.end_date or row.delivery.start_date)
    shown = [trace for trace in figure["data"] if trace.get("showlegend") is not False]
    assert sum(sum(trace["text"]) for trace in shown) == dated
    assert sum(row[3] for row in view.rows) == dated  # the table alternative
    assert f"{len(rows) - dated} without dates" in view.summary
    # One row per goal and phase, not per delivery: a compact chart.
    assert len(layout["yaxis"]["categoryarray"]) < 40
    assert layout["height"] < 1000
    # Years at the bottom and on top, a line for today.
    assert layout["xaxis2"]["side"] == "top"
    assert layout["xaxis2"]["matches"] == "x"
    assert layout["xaxis"]["tickformat"] == "%Y"
    assert layout["shapes"][0]["x0"] == "2026-11-22"
    # The legend under the plot, where neither the top years nor a title are.
    assert layout["legend"]["yref"] == "container"
    assert layout["legend"]["y"] == 0


@pytest.mark.parametrize(
    ("url", "current"),
    [("initiatives:roadmap", "/roadmap/"), ("initiatives:list", "/initiatives/")],
)
def test_the_section_navigation_marks_the_page_the_user_is_on(
    client, db, council_member, url, current
):
    client.force_login(council_member)
    html = client.get(reverse(url)).content.decode()
    nav = html.split('class="subnav"')[1].split("</ul>")[0]
    assert nav.count('aria-current="page"') == 1
    assert f'href="{current}" aria-current="page"' in nav
