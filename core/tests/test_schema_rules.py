"""The schema states the input rules the API enforces (found by schemathesis
``--checks all``: schema-valid requests refused, schema-violating ones taken)."""

import re

import pytest
import yaml
from django.urls import reverse

from core.schema import ADDRESS_PATTERN, TEXT_PATTERN

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client, council_member):
    client.force_login(council_member)
    return yaml.safe_load(client.get(reverse("api-schema")).content)


def parameter(schema, path, method, name):
    operation = schema["paths"][path][method]
    return next(p for p in operation["parameters"] if p["name"] == name)["schema"]


def test_text_parameters_exclude_control_characters(schema):
    council = parameter(schema, "/api/v1/decisions/", "get", "council")
    assert council["pattern"] == TEXT_PATTERN
    assert re.match(TEXT_PATTERN, "nasjonalt-e-helserad")
    assert not re.match(TEXT_PATTERN, "M1\x0b")
    assert re.match(TEXT_PATTERN, "line\nbreak")
    assert not re.match(ADDRESS_PATTERN, "line\nbreak")


def test_dates_choices_and_numbers_are_typed(schema):
    meetings, decisions = "/api/v1/meetings/", "/api/v1/decisions/"
    assert parameter(schema, meetings, "get", "date_to")["format"] == "date"
    assert parameter(schema, decisions, "get", "decided_to")["format"] == "date"
    assert parameter(schema, decisions, "get", "meeting")["type"] == "integer"
    statuses = parameter(schema, "/api/v1/indicators/{code}/values/", "get", "status")
    assert set(statuses["enum"]) == {"draft", "submitted", "approved", "rejected"}
    size = parameter(schema, "/api/v1/indicators/{code}/values/", "get", "page_size")
    assert (size["type"], size["minimum"], size["maximum"]) == ("integer", 1, 10_000)
    period = parameter(schema, "/api/v1/indicators/{code}/values/", "get", "from")
    assert re.match(period["pattern"], "2024-Q3")
    assert not re.match(period["pattern"], "0000")
    removed = parameter(schema, "/api/v1/deliveries/", "get", "removed")
    assert removed["type"] == "boolean"


def test_a_path_code_is_documented_as_a_code(schema):
    code = parameter(schema, "/api/v1/indicators/{code}/", "patch", "code")
    assert re.match(code["pattern"], "DEMO-M1-1")
    assert not re.match(code["pattern"], "\x8d\x01")


def test_request_bodies_refuse_unknown_fields_and_empty_lists(schema):
    components = schema["components"]["schemas"]
    assert components["IndicatorInput"]["additionalProperties"] is False
    assert components["PatchedIndicatorPatchInput"]["additionalProperties"] is False
    reason = components["PatchedIndicatorPatchInput"]["properties"]["change_reason"]
    assert reason["pattern"] == TEXT_PATTERN
    bulk = schema["paths"]["/api/v1/values/bulk/"]["post"]["requestBody"]
    assert bulk["content"]["application/json"]["schema"]["minItems"] == 1
    # Output shapes are not touched.
    assert "additionalProperties" not in components["IndicatorOutput"]


# The server refuses what the schema now says is invalid (each of these was
# answered 200 before).


@pytest.fixture
def api(real_strategy, council_member):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(council_member)
    return client


@pytest.mark.parametrize("size", ["-58800", "0", "1.5", "x", "1001"])
def test_a_page_size_out_of_range_is_a_400(api, size):
    response = api.get(f"/api/v1/initiatives/?page_size={size}")
    assert response.status_code == 400
    assert "page_size" in response.json()["error"]["details"]


def test_an_empty_or_valid_page_size_is_taken(api):
    assert api.get("/api/v1/initiatives/?page_size=").status_code == 200
    assert len(api.get("/api/v1/initiatives/?page_size=2").json()["results"]) == 2


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/decisions/?meeting=0.5",
        "/api/v1/deliveries/?removed=null",
        "/api/v1/indicators/?is_demo=null",
    ],
)
def test_a_filter_of_the_wrong_type_is_a_400(api, query):
    assert api.get(query).status_code == 400


def test_a_code_that_is_not_text_is_refused(approver):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(approver)
    response = client.post(
        "/api/v1/values/approve/",
        {"items": [{"indicator": 0, "period": "2000"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "indicator" in response.json()["error"]["details"]["items"]["0"]
