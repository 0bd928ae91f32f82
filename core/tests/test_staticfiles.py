from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

from core.staticfiles import PLOTLY_STATIC_PATH


def test_plotly_js_is_served_from_the_installed_package():
    path = finders.find(PLOTLY_STATIC_PATH)
    assert path and path.endswith("plotly.min.js")
    with open(path, encoding="utf-8") as handle:
        assert "plotly.js" in handle.read(300)


def test_collectstatic_picks_up_plotly(tmp_path, settings):
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / PLOTLY_STATIC_PATH).exists()
    assert staticfiles_storage.url(PLOTLY_STATIC_PATH).endswith("plotly.min.js")


def test_htmx_is_served_locally_and_loaded_by_every_page(client):
    path = finders.find("vendor/htmx/htmx.min.js")
    assert path
    with open(path, encoding="utf-8") as handle:
        assert "htmx" in handle.read(200)
    page = client.get("/login/").content.decode()
    assert staticfiles_storage.url("vendor/htmx/htmx.min.js") in page
    assert '"allowEval": false' in page


def test_designsystemet_is_vendored_with_its_licence_and_loaded_by_every_page(client):
    for name in ("designsystemet.css", "theme.css"):
        path = finders.find(f"vendor/designsystemet/{name}")
        assert path, name
    for package in ("css", "theme"):
        licence = finders.find(
            f"vendor/designsystemet/LICENSE-designsystemet-{package}.txt"
        )
        with open(licence, encoding="utf-8") as handle:
            assert "Permission is hereby granted" in handle.read()
    page = client.get("/login/").content.decode()
    theme = staticfiles_storage.url("vendor/designsystemet/theme.css")
    components = staticfiles_storage.url("vendor/designsystemet/designsystemet.css")
    app = staticfiles_storage.url("css/app.css")
    # The project's stylesheet comes last: it only adds what Designsystemet lacks.
    assert page.index(theme) < page.index(components) < page.index(app)
