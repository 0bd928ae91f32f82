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
}


def run_probe(env: dict[str, str]) -> subprocess.CompletedProcess:
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
        )
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE],
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
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"]


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
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"]
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
