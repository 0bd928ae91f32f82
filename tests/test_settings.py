"""Settings from the environment: embedded default and production refusals."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
)
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "tracker.example.no",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://127.0.0.1:25",
    "SITE_URL": "https://tracker.example.no",
}


def run_probe(env: dict[str, str], probe: str = PROBE) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "EMAIL_URL",
            "SITE_URL",
        )
    }
    return subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_no_environment_gives_the_embedded_default():
    result = run_probe({"DJANGO_SETTINGS_MODULE": "config.settings.base"})
    assert result.returncode == 0, result.stderr
    # DEBUG off: debug pages only when asked for.
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "False"]


def test_debug_only_when_asked_for():
    result = run_probe(
        {"DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "true"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[2] == "True"


PAGE_PROBE = (
    "import django; django.setup(); from django.test import Client; "
    "r = Client(HTTP_HOST='localhost').get('/no/such/page/'); "
    "html = r.content.decode(); "
    "print(r.status_code, 'URLconf' in html, 'til oversikten' in html)"
)


def test_the_embedded_default_shows_the_sites_own_404_not_the_technical_one():
    """The outside test: a wrong address in the embedded default showed Django's
    technical 404, listing every URL pattern."""
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.base"}
    result = run_probe(env, probe=PAGE_PROBE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["404", "False", "True"]


def test_environment_selects_postgresql_and_a_real_broker():
    result = run_probe(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["core.postgresql", "False"]


def test_production_starts_when_configured():
    result = run_probe(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["core.postgresql", "False", "False"]


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "EMAIL_URL",
        "SITE_URL",
    ],
)
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_probe(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_refuses_an_empty_allowed_hosts():
    result = run_probe({**PRODUCTION_ENV, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


LIMITS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; "
    "print(d['OPTIONS']['connect_timeout'], d['STATEMENT_TIMEOUT'], "
    "s.WORKER_DATABASE_STATEMENT_TIMEOUT)"
)


def run_limits(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LIMITS],
        cwd=PROJECT_DIR,
        env={**os.environ, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_database_limits_default_below_gunicorns_timeout():
    result = run_limits({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5", "30", "180"]


def test_database_limits_come_from_the_environment():
    result = run_limits(
        {
            "DATABASE_CONNECT_TIMEOUT": "3",
            "DATABASE_STATEMENT_TIMEOUT": "20",
            "WORKER_DATABASE_STATEMENT_TIMEOUT": "600",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "20", "600"]


@pytest.mark.parametrize(
    "env",
    [
        {"DATABASE_STATEMENT_TIMEOUT": "55"},
        {"DATABASE_STATEMENT_TIMEOUT": "30", "WEB_TIMEOUT": "40"},
        {"DATABASE_CONNECT_TIMEOUT": "20"},
    ],
)
def test_production_refuses_database_limits_that_outlast_gunicorn(env):
    result = run_limits(env)
    assert result.returncode != 0
    assert "WEB_TIMEOUT" in result.stderr


def test_production_refuses_a_console_mail_backend():
    result = run_probe({**PRODUCTION_ENV, "EMAIL_URL": "consolemail://"})
    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr
