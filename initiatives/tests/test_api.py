import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(council_member):
    client = APIClient()
    client.force_authenticate(council_member)
    return client


def test_initiatives_list_is_paginated_and_complete(api, real_strategy):
    body = api.get("/api/v1/initiatives/", {"page_size": 50}).json()
    assert body["count"] == 54
    assert len(body["results"]) == 50
    first = body["results"][0]
    assert (
        first["code"] == "1A-1" and first["goal"] == "M1" and first["sub_goal"] == "1A"
    )
    assert len(api.get(body["next"]).json()["results"]) == 4


def test_initiative_by_code_and_unknown_code(api, real_strategy):
    assert api.get("/api/v1/initiatives/1A-1/").json()["sub_goal"] == "1A"
    response = api.get("/api/v1/initiatives/9Z-9/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_deliveries_follow_the_contract_and_filter(api, imported_roadmap):
    body = api.get("/api/v1/deliveries/", {"page_size": 1000}).json()
    assert body["count"] == 263
    delivery = body["results"][0]
    assert set(delivery) == {
        "roadmap_id",
        "name",
        "description",
        "phase",
        "start_date",
        "end_date",
        "planning_status",
        "initiative",
        "sub_goal",
        "version",
        "removed_in_version",
    }
    m5 = api.get("/api/v1/deliveries/", {"goal": "M5", "page_size": 1000}).json()
    assert m5["count"] == 15
    tentative = api.get("/api/v1/deliveries/", {"planning_status": "Tentativ"}).json()
    assert tentative["count"] == 59
    assert api.get("/api/v1/deliveries/", {"removed": "true"}).json()["count"] == 0


def test_bad_filter_is_400_with_details(api, real_strategy):
    response = api.get("/api/v1/deliveries/", {"planning_status": "Kanskje"})
    assert response.status_code == 400
    assert "planning_status" in response.json()["error"]["details"]


def test_page_size_is_bounded(api, imported_roadmap):
    # Beyond the bound is refused (the schema says so), not quietly cut down.
    assert api.get("/api/v1/deliveries/", {"page_size": 100000}).status_code == 400
    body = api.get("/api/v1/deliveries/", {"page_size": 1000}).json()
    assert len(body["results"]) == 263  # all fit under the 1,000 bound
    body = api.get("/api/v1/deliveries/", {"page_size": 10}).json()
    assert len(body["results"]) == 10


def test_page_past_the_end_is_404(api, real_strategy):
    response = api.get("/api/v1/initiatives/", {"page": 99})
    assert response.status_code == 404


@pytest.mark.parametrize("page_size", [5, 200])
def test_query_count_does_not_grow(
    api, imported_roadmap, page_size, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        api.get("/api/v1/initiatives/", {"page_size": page_size})
    with django_assert_max_num_queries(3):
        api.get("/api/v1/deliveries/", {"page_size": page_size})
