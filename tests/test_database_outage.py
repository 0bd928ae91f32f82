"""PostgreSQL goes away, or freezes, under a running web process and comes back."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.tcp_proxy import CuttableProxy

PROJECT_DIR = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.real_services, pytest.mark.django_db(transaction=True)]


def get(url: str, headers: dict, timeout: float = 20) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return (
                response.status,
                response.headers["Content-Type"],
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()
    except urllib.error.URLError:
        return 0, "", ""  # not listening yet


def wait_until(check, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError("timed out")


# The frozen test's limits: far below the gunicorn timeout the fixture gives
# (30 s), as the production defaults (5 s, 30 s) are below its 60 s.
CONNECT_TIMEOUT, STATEMENT_TIMEOUT = 2, 3


@pytest.fixture
def web_behind_proxy(real_strategy):
    db = settings.DATABASES["default"]
    proxy = CuttableProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    proxy.start()
    port = CuttableProxy("127.0.0.1", 1).port
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@127.0.0.1:"
            f"{proxy.port}/{db['NAME']}"
        ),
        "DATABASE_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        "DATABASE_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT),
    }
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "30",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}", proxy
    finally:
        web.terminate()
        web.wait(timeout=20)
        proxy.cut()
        # The server notices the cut sessions a moment later; until then the
        # test database cannot be dropped.
        wait_until(lambda: not other_sessions())


def other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_outage_answers_503_and_recovers_without_a_restart(web_behind_proxy):
    base, proxy = web_behind_proxy
    out = StringIO()
    call_command(
        "create_api_key", "--name", "outage", "--role", "Integrasjon", stdout=out
    )
    headers = {"Authorization": f"Token {out.getvalue().strip().splitlines()[-1]}"}
    goals = f"{base}/api/v1/goals/"

    status, _type, body = wait_until(lambda: (r := get(goals, headers))[0] == 200 and r)
    assert len(json.loads(body)) == 5

    proxy.cut()
    status, content_type, body = get(goals, headers)
    assert status == 503
    assert content_type.startswith("application/json")
    assert json.loads(body)["error"]["status"] == 503
    status, content_type, body = get(f"{base}/healthz", {})
    assert status == 503 and json.loads(body)["database"]["ok"] is False
    # A signed-in browser: its session must be read from the database.
    status, content_type, body = get(f"{base}/", {"Cookie": "sessionid=" + "a" * 32})
    assert status == 503
    assert content_type.startswith("text/html")
    assert "midlertidig utilgjengelig" in body and "Traceback" not in body

    proxy.start()
    status, _type, body = wait_until(lambda: (r := get(goals, headers))[0] == 200 and r)
    assert len(json.loads(body)) == 5


def test_a_frozen_database_answers_503_within_its_limits_and_recovers(
    web_behind_proxy,
):
    """A partition or a hung server: connections held, nothing answered.

    Each request waits at most the health check of its reused connection and a
    new connect (a connect timeout each), or the statement limit and a connect
    timeout for a statement in flight: never gunicorn's timeout, and /healthz
    at most twice its own 2 s.
    """
    base, proxy = web_behind_proxy
    out = StringIO()
    call_command(
        "create_api_key", "--name", "frozen", "--role", "Integrasjon", stdout=out
    )
    headers = {"Authorization": f"Token {out.getvalue().strip().splitlines()[-1]}"}
    goals = f"{base}/api/v1/goals/"
    wait_until(lambda: get(goals, headers)[0] == 200)
    limit = max(2 * CONNECT_TIMEOUT, STATEMENT_TIMEOUT + CONNECT_TIMEOUT) + 2

    proxy.freeze()
    try:
        started = time.monotonic()
        status, content_type, body = get(goals, headers, timeout=25)
        assert (status, time.monotonic() - started < limit) == (503, True)
        assert json.loads(body)["error"]["status"] == 503
        started = time.monotonic()
        status, _type, body = get(f"{base}/healthz", {}, timeout=25)
        assert status == 503 and json.loads(body)["database"]["ok"] is False
        assert time.monotonic() - started < 2 * 2 + 1
        started = time.monotonic()
        cookie = {"Cookie": "sessionid=" + "a" * 32}
        status, content_type, body = get(f"{base}/", cookie, timeout=25)
        assert (status, time.monotonic() - started < limit) == (503, True)
        assert content_type.startswith("text/html")
        assert "midlertidig utilgjengelig" in body and "Traceback" not in body
    finally:
        proxy.thaw()
    status, _type, body = wait_until(
        lambda: (r := get(goals, headers))[0] == 200 and r, seconds=15
    )
    assert len(json.loads(body)) == 5
    assert get(f"{base}/healthz", {})[0] == 200
