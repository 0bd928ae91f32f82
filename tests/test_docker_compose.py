"""docker-compose.yml cannot run here (no Docker engine): check what it says.

.ci/run runs the web service's start script and the beat command directly.
"""

from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
APP_SERVICES = ("web", "worker", "beat")


def test_services_of_the_stack():
    assert set(COMPOSE["services"]) == {"postgres", "redis", *APP_SERVICES}


def test_app_services_get_the_production_environment():
    for name in APP_SERVICES:
        env = COMPOSE["services"][name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        # Required from the operator, never defaulted.
        assert ":?" in env["SECRET_KEY"]
        assert ":?" in env["ALLOWED_HOSTS"]
        depends = COMPOSE["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"


def test_commands():
    services = COMPOSE["services"]
    assert services["web"]["command"] == ["./config/start-web.sh"]
    start = (PROJECT_DIR / "config" / "start-web.sh").read_text()
    assert "migrate" in start and "load_strategy" in start and "gunicorn" in start
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_gunicorn_outlasts_the_database_limits_and_healthz_its_probe():
    """A stuck database answers 503 before gunicorn would kill the worker, and
    /healthz answers before the compose health check gives up on it."""
    from django.conf import settings

    from core.selectors import HEALTH_DATABASE_SECONDS

    start = (PROJECT_DIR / "config" / "start-web.sh").read_text()
    assert '--timeout "${WEB_TIMEOUT:-60}"' in start
    assert settings.WEB_TIMEOUT == 60
    waits = settings.DATABASE_STATEMENT_TIMEOUT + 2 * settings.DATABASE_CONNECT_TIMEOUT
    assert waits < settings.WEB_TIMEOUT
    # Migrations run without a statement limit: one stopped halfway fails the
    # deploy.
    assert "DATABASE_STATEMENT_TIMEOUT=0 python manage.py migrate" in start
    probe = " ".join(COMPOSE["services"]["web"]["healthcheck"]["test"])
    assert "timeout=5)" in probe
    assert 2 * HEALTH_DATABASE_SECONDS < 5
