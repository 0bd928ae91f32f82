"""PostgreSQL goes away under a running web process and comes back."""

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

from tests.tcp_proxy import CuttableProxy

PROJECT_DIR = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.real_services, pytest.mark.django_db(transaction=True)]


def get(url: str, headers: dict) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http only
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
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
