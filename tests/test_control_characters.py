"""NUL and other control characters are a clear 400 wherever a request
brings them in (the outside test found 11 places that answered 500 on
PostgreSQL, which refuses NUL in any query)."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from indicators.models import IndicatorValue
from strategy.models import Goal
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/goals/M1%00/",
    "/indicators/DEMO%00/",
    "/initiatives/1A%00/",
    "/initiatives/1A-1/report/?period=2026%00",
    "/indicators/?goal=M1%00",
    "/indicators/export/?indicator=DEMO%00",
    "/indicators/export/?goal=M1%00",
    "/goals/M1/?as_of=2026-01-01%00",
    "/indicators/?goal=M1&goal=M2%01",
    "/indicators/?g%00oal=M1",
    "/goals/M1%0A/",
]
API_PATHS = [
    "/api/v1/indicators/DEMO%00/",
    "/api/v1/indicators/DEMO%00/values/",
    "/api/v1/indicators/DEMO%00/progress/",
    "/api/v1/goals/M1%00/",
    "/api/v1/indicators/?goal=M1%00",
]


@pytest.fixture
def indicator(real_strategy):
    return IndicatorFactory(code="DEMO-1", goal=Goal.objects.get(code="M1"))


@pytest.mark.parametrize("url", PAGES)
def test_a_control_character_in_a_page_address_is_a_clear_400(
    client, secretariat, indicator, url
):
    client.force_login(secretariat)
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]
    assert "kontrolltegn" in response.content.decode()


def test_the_400_page_is_in_the_chosen_language(client, secretariat):
    client.force_login(secretariat)
    client.cookies["django_language"] = "en"
    html = client.get("/goals/M1%00/").content.decode()
    assert '<html lang="en">' in html and "control character" in html


@pytest.mark.parametrize("url", API_PATHS)
def test_a_control_character_in_an_api_address_is_a_400_in_the_error_shape(
    secretariat, indicator, url
):
    api = APIClient()
    api.force_authenticate(secretariat)
    response = api.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize(
    ("item", "where"),
    [
        ({"indicator": "DEMO-1\x00", "period": "2024", "value": "1"}, "0.indicator"),
        (
            {"indicator": "DEMO-1", "period": "2024", "value": "1", "comment": "a\x00"},
            "0.comment",
        ),
        ({"indicator": "DEMO-1", "period": "2024\x1b", "value": "1"}, "0.period"),
        ({"indicator": "DEMO-1", "period": "2024", "value": "1", "x\x00": "1"}, "0.x?"),
    ],
)
def test_a_control_character_in_a_json_item_is_a_400_naming_it(
    secretariat, indicator, item, where
):
    api = APIClient()
    api.force_authenticate(secretariat)
    response = api.post("/api/v1/values/bulk/", [item], format="json")
    assert response.status_code == 400
    assert where in response.json()["error"]["message"]
    assert not IndicatorValue.objects.exists()


def test_text_keeps_its_line_breaks_and_tabs(secretariat, indicator):
    api = APIClient()
    api.force_authenticate(secretariat)
    item = {"indicator": "DEMO-1", "period": "2024", "value": "1", "comment": "a\n\tb"}
    response = api.post("/api/v1/values/bulk/", [item], format="json")
    assert response.status_code == 200, response.content


def test_deeply_nested_json_with_a_nul_is_a_400_not_a_recursion_error(secretariat):
    api = APIClient()
    api.force_authenticate(secretariat)
    body = "[" * 1000 + json.dumps("\x00") + "]" * 1000
    response = api.post("/api/v1/values/bulk/", body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("url", "data"),
    [
        (reverse("login"), {"username": "kari\x00", "password": "x"}),
        (
            "/indicators/DEMO-1/values/",
            {"period": "2024", "value": "1", "comment": "\x00"},
        ),
        ("/indicators/new/", {"code": "A\x00", "name_nb": "x"}),
    ],
)
def test_a_control_character_in_a_form_field_is_a_clear_400(
    client, secretariat, indicator, url, data
):
    if url != reverse("login"):
        client.force_login(secretariat)
    response = client.post(url, data)
    assert response.status_code == 400, response.content[:300]
    assert not IndicatorValue.objects.exists()


def test_an_uploaded_file_may_hold_any_byte(client, secretariat, indicator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(secretariat)
    upload = SimpleUploadedFile("v.xlsx", b"PK\x03\x04\x00\x00binary")
    response = client.post(reverse("indicators:import_new"), {"file": upload})
    assert response.status_code == 302


def test_a_control_character_in_a_cookie_is_a_400(client, secretariat):
    client.cookies["sessionid"] = "abcdefgh\x00"
    response = client.get("/")
    assert response.status_code == 400
