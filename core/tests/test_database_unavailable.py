"""A database outage met before the view (by a middleware reading the session,
the user or the second factor) answers 503 like one met by the view."""

import pytest
from django.db import OperationalError
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


class SessionStoreDown:
    """Stands for any middleware whose database read fails in an outage."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("connection refused")


@pytest.fixture
def outage_before_the_view(settings):
    middleware = list(settings.MIDDLEWARE)
    at = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    middleware.insert(at + 1, f"{__name__}.SessionStoreDown")
    with override_settings(MIDDLEWARE=middleware):
        yield Client(raise_request_exception=False)


def test_a_page_answers_503_with_the_clear_page(outage_before_the_view):
    response = outage_before_the_view.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "midlertidig utilgjengelig" in response.content.decode()


def test_the_api_answers_503_in_its_error_shape(outage_before_the_view):
    response = outage_before_the_view.get("/api/v1/goals/")
    assert response.status_code == 503
    assert response.json()["error"]["status"] == 503
