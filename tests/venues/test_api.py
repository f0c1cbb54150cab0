"""The venues API: public reads, operator writes, cross-chain scoping, problem+json errors."""

from __future__ import annotations

import pytest

from marquee.accounts.models import Role
from marquee.venues import services
from marquee.venues.models import Hall
from tests.venues.conftest import small_layout

pytestmark = pytest.mark.django_db

BASE = "/api/v1/venues"


def post_json(client, url, body):
    return client.post(url, body, content_type="application/json")


def put_json(client, url, body):
    return client.put(url, body, content_type="application/json")


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code and body["status"] == status
    return body


# --- public reads --------------------------------------------------------------------


def test_cities_list_counts_active_cinemas(two_chains, client):
    r = client.get(f"{BASE}/cities")
    assert r.status_code == 200
    [city] = r.json()
    assert city["code"] == "testville"
    assert city["cinema_count"] == 2
    assert (city["name_zh_hans"], city["currency"]) == ("测试市", "CNY")


def test_cinemas_of_a_city_and_unknown_city(two_chains, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        r = client.get(f"{BASE}/cinemas", {"city": "testville"})
    assert r.status_code == 200
    assert [c["slug"] for c in r.json()] == ["alpha-one", "beta-one"]
    alpha = r.json()[0]
    assert alpha["hall_count"] == 1 and alpha["chain"] == two_chains["chain_a"].slug
    # The id the check-in and settlement endpoints also accept.
    assert alpha["id"] == two_chains["venue_a"].pk
    assert client.get(f"{BASE}/cinemas").json() == r.json()
    assert_problem(client.get(f"{BASE}/cinemas", {"city": "atlantis"}), 404, "city_not_found")


def test_cinema_names_follow_the_language(two_chains, client):
    services.update_venue(venue=two_chains["venue_a"], actor=services.SYSTEM, name_zh_hans="阿尔法")
    r = client.get(f"{BASE}/cinemas/alpha-one", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.json()["name"] == "阿尔法"
    r = client.get(f"{BASE}/cinemas/alpha-one", HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["name"] == two_chains["venue_a"].name_en


def test_cinema_detail_lists_halls(two_chains, make_hall, client, django_assert_max_num_queries):
    make_hall(two_chains["venue_a"], "Alpha Hall 2")
    with django_assert_max_num_queries(3):
        r = client.get(f"{BASE}/cinemas/alpha-one")
    assert r.status_code == 200
    body = r.json()
    assert body["slug"] == "alpha-one" and body["city"] == "testville"
    assert body["id"] == two_chains["venue_a"].pk
    assert [h["name"] for h in body["halls"]] == ["Alpha Hall", "Alpha Hall 2"]
    assert body["halls"][0]["seat_count"] == 8 and body["halls"][0]["formats"] == ["2D"]
    assert_problem(client.get(f"{BASE}/cinemas/nowhere"), 404, "venue_not_found")


def test_inactive_cinema_is_hidden_from_the_public(two_chains, client, client_for):
    services.update_venue(venue=two_chains["venue_b"], actor=services.SYSTEM, is_active=False)
    assert_problem(client.get(f"{BASE}/cinemas/beta-one"), 404, "venue_not_found")
    assert [c["slug"] for c in client.get(f"{BASE}/cinemas").json()] == ["alpha-one"]
    hall_b = two_chains["hall_b"].pk
    assert_problem(client.get(f"{BASE}/halls/{hall_b}/layout"), 404, "hall_not_found")
    own = client_for(two_chains["op_b"])
    assert own.get(f"{BASE}/cinemas/beta-one").json()["is_active"] is False
    assert own.get(f"{BASE}/halls/{hall_b}/layout").status_code == 200


def test_hall_layout_is_the_json_format(two_chains, client, django_assert_max_num_queries):
    hall = two_chains["hall_a"]
    with django_assert_max_num_queries(2):
        r = client.get(f"{BASE}/halls/{hall.pk}/layout")
    assert r.status_code == 200
    doc = r.json()
    assert doc["format"] == "marquee.layout/1"
    assert doc["hall_id"] == hall.pk and doc["seat_count"] == 8
    seats = {s["code"]: s for s in doc["seats"]}
    assert seats["3-1"]["pair"] == "3-2" and seats["3-1"]["label"] == "3排1座"
    assert "pair" not in seats["2-1"]  # only couples carry a pair
    assert_problem(client.get(f"{BASE}/halls/987654/layout"), 404, "hall_not_found")


def test_openapi_describes_the_venue_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/venues/cities",
        "/api/v1/venues/cinemas",
        "/api/v1/venues/cinemas/{slug}",
        "/api/v1/venues/halls/{hall_id}/layout",
        "/api/v1/venues/cinemas/{slug}/halls",
        "/api/v1/venues/manage/halls",
    ):
        assert path in spec["paths"], path
    body = spec["paths"]["/api/v1/venues/cinemas/{slug}/halls"]["post"]["requestBody"]
    assert body["content"]["application/json"]["example"]["format"] == "marquee.layout/1"


# --- writes ----------------------------------------------------------------------------


def test_operator_creates_a_hall_in_its_own_cinema(two_chains, client_for):
    c = client_for(two_chains["op_a"])
    r = post_json(c, f"{BASE}/cinemas/alpha-one/halls", small_layout("Hall 2"))
    assert r.status_code == 201, r.content
    doc = r.json()
    assert doc["name"] == "Hall 2" and doc["seat_count"] == 8
    assert Hall.objects.get(pk=doc["hall_id"]).venue == two_chains["venue_a"]


def test_compact_grid_is_accepted_and_exported_explicitly(two_chains, client_for):
    c = client_for(two_chains["op_a"])
    grid = {"format": "marquee.layout/1", "name": "Grid", "grid": ["SSS", "CC."]}
    r = post_json(c, f"{BASE}/cinemas/alpha-one/halls", grid)
    assert r.status_code == 201
    assert "grid" not in r.json() and len(r.json()["seats"]) == 5


def test_bad_layout_is_a_problem_listing_every_seat(two_chains, client_for):
    c = client_for(two_chains["op_a"])
    bad = small_layout("Bad")
    bad["seats"][0]["type"] = "throne"
    bad["seats"][2]["row"] = 7
    del bad["seats"][6]["pair"]
    r = post_json(c, f"{BASE}/cinemas/alpha-one/halls", bad)
    body = assert_problem(r, 400, "invalid_layout")
    by_seat = {(e.get("seat"), e["problem"]) for e in body["errors"]}
    assert ("1-1", "unknown_seat_type") in by_seat
    assert ("2-1", "outside_grid") in by_seat
    assert ("3-1", "couple_without_partner") in by_seat
    assert not Hall.objects.filter(name="Bad").exists()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("[1, 2]", 422, "validation_error"),
        ('"hall"', 422, "validation_error"),
        ("{not json", 400, "bad_request"),
        ("{}", 400, "invalid_layout"),
    ],
)
def test_malformed_bodies_get_problems(two_chains, client_for, body, status, code):
    c = client_for(two_chains["op_a"])
    assert_problem(post_json(c, f"{BASE}/cinemas/alpha-one/halls", body), status, code)
    assert Hall.objects.count() == 2


def test_duplicate_hall_name_is_a_conflict(two_chains, client_for):
    c = client_for(two_chains["op_a"])
    r = post_json(c, f"{BASE}/cinemas/alpha-one/halls", small_layout("Alpha Hall"))
    assert_problem(r, 409, "hall_name_taken")


def test_writes_need_authentication(two_chains, client):
    r = post_json(client, f"{BASE}/cinemas/alpha-one/halls", small_layout("X"))
    assert_problem(r, 401, "not_authenticated")
    r = put_json(client, f"{BASE}/halls/{two_chains['hall_a'].pk}/layout", small_layout("X"))
    assert_problem(r, 401, "not_authenticated")
    assert_problem(client.get(f"{BASE}/manage/halls"), 401, "not_authenticated")


def test_moviegoer_cannot_write_or_manage(two_chains, make_user, client_for):
    c = client_for(make_user())
    r = post_json(c, f"{BASE}/cinemas/alpha-one/halls", small_layout("X"))
    assert_problem(r, 403, "not_venue_manager")
    assert_problem(c.get(f"{BASE}/manage/halls"), 403, "forbidden")


def test_replace_layout_through_the_api(two_chains, client_for):
    hall = two_chains["hall_a"]
    c = client_for(two_chains["op_a"])
    current = c.get(f"{BASE}/halls/{hall.pk}/layout").json()
    current["seats"] = [s for s in current["seats"] if s["type"] != "vip"]
    r = put_json(c, f"{BASE}/halls/{hall.pk}/layout", current)
    assert r.status_code == 200, r.content
    assert r.json()["seat_count"] == 6 and r.json()["layout_version"] == 2
    hall.refresh_from_db()
    assert hall.seat_count == 6


def test_locked_layout_is_a_conflict(two_chains, client_for):
    hall = two_chains["hall_a"]
    services.lock_hall_layout(hall_id=hall.pk)
    c = client_for(two_chains["op_a"])
    r = put_json(c, f"{BASE}/halls/{hall.pk}/layout", small_layout("Alpha Hall"))
    assert_problem(r, 409, "layout_locked")
    assert c.get(f"{BASE}/halls/{hall.pk}/layout").json()["layout_locked"] is True


def test_token_auth_works_for_writes(two_chains, client):
    from marquee.accounts.services import create_api_token

    _, raw = create_api_token(user=two_chains["op_a"], name="ci")
    r = client.post(
        f"{BASE}/cinemas/alpha-one/halls",
        small_layout("Via Token"),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 201


# --- cross-chain scoping ------------------------------------------------------------------


def test_operator_cannot_change_another_chains_halls(two_chains, client_for):
    d = two_chains
    c = client_for(d["op_a"])
    r = post_json(c, f"{BASE}/cinemas/beta-one/halls", small_layout("Intruder"))
    assert_problem(r, 403, "not_venue_manager")
    r = put_json(c, f"{BASE}/halls/{d['hall_b'].pk}/layout", small_layout("Beta Hall"))
    assert_problem(r, 403, "not_venue_manager")
    d["hall_b"].refresh_from_db()
    assert d["hall_b"].layout_version == 1
    assert not Hall.objects.filter(name="Intruder").exists()


def test_operator_cannot_touch_another_chains_inactive_cinema(two_chains, client_for):
    d = two_chains
    services.update_venue(venue=d["venue_b"], actor=services.SYSTEM, is_active=False)
    c = client_for(d["op_a"])
    r = post_json(c, f"{BASE}/cinemas/beta-one/halls", small_layout("Intruder"))
    assert_problem(r, 404, "venue_not_found")
    r = put_json(c, f"{BASE}/halls/{d['hall_b'].pk}/layout", small_layout("Beta Hall"))
    assert_problem(r, 404, "hall_not_found")


def test_manage_list_shows_only_own_halls(two_chains, make_user, client_for):
    d = two_chains
    r = client_for(d["op_a"]).get(f"{BASE}/manage/halls")
    assert r.status_code == 200
    assert [h["name"] for h in r.json()] == ["Alpha Hall"]
    assert r.json()[0]["venue"] == "alpha-one" and r.json()[0]["layout_locked"] is False
    assert r.json()[0]["venue_id"] == d["venue_a"].pk
    r = client_for(d["op_b"]).get(f"{BASE}/manage/halls")
    assert [h["name"] for h in r.json()] == ["Beta Hall"]
    # filtering by someone else's venue yields nothing rather than their halls
    r = client_for(d["op_a"]).get(f"{BASE}/manage/halls", {"venue": "beta-one"})
    assert r.json() == []
    for role in (Role.ADMIN, Role.DISTRIBUTION):
        r = client_for(make_user(role=role)).get(f"{BASE}/manage/halls")
        assert {h["name"] for h in r.json()} == {"Alpha Hall", "Beta Hall"}
