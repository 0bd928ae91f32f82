"""Plain helpers of the API tests: create a key, a client with it, the error shape."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient


def create_key(*args: str) -> str:
    """``manage.py create_api_key`` with these arguments; the raw key.

    Without ``--owner`` each key gets a person of its own to own it
    (``eier-<name>``), so that two keys are two people unless a test says
    otherwise.
    """
    if "--owner" not in args and "--name" in args:
        name = args[args.index("--name") + 1]
        owner = f"eier-{name.strip() or 'x'}"
        get_user_model().objects.get_or_create(username=owner)
        args = (*args, "--owner", owner)
    out = StringIO()
    call_command("create_api_key", *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def client_with(key: str | None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]
