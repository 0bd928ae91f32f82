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
