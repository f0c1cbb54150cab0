"""The API answers every refusal in problem+json: unknown routes, wrong methods, no credentials."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing-here", "/api/v1/ticketing/no-such-route/1", "/api/v2/showtimes"]
)
def test_unknown_api_routes_are_404_problem_json(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r["Content-Type"] == PROBLEM
    assert r.json()["code"] == "not_found"
    assert r.json()["instance"] == path


def test_a_wrong_method_is_405_problem_json_with_allow(client):
    r = client.delete("/api/v1/ticketing/keys")
    assert r.status_code == 405
    assert r["Content-Type"] == PROBLEM
    body = r.json()
    assert body["code"] == "method_not_allowed"
    assert "GET" in r["Allow"]
    assert "GET" in body["allowed"]


def test_html_404_stays_html(client):
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("text/html")


def test_anonymous_api_post_is_401_not_a_csrf_403():
    client = Client(enforce_csrf_checks=True)
    r = client.post("/api/v1/ticketing/holds", {}, content_type="application/json")
    assert r.status_code == 401
    assert r["Content-Type"] == PROBLEM
    assert r.json()["code"] == "not_authenticated"


def test_a_signed_in_session_still_needs_the_csrf_token(make_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user())
    r = client.post("/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert r.status_code == 403
    assert r["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/ticketing/showtimes?city=a%00b"),
        ("get", "/api/v1/venues/cinemas/a%00b"),
        ("get", "/api/v1/ticketing/titles/a%00b/want-to-see"),
        ("get", "/api/v1/ticketing/rounds?title=%00"),
    ],
)
def test_nul_in_path_or_query_is_400_invalid_text(client, method, path):
    r = getattr(client, method)(path)
    assert r.status_code == 400
    assert r["Content-Type"] == PROBLEM
    assert r.json()["code"] == "invalid_text"


def test_nul_in_a_json_body_is_400_invalid_text(client, make_user):
    client.force_login(make_user())
    for body in ('{"name": "a\\u0000b"}', '{"name": "x", "n\\u0000": 1}'):
        r = client.post("/api/v1/accounts/tokens", body, content_type="application/json")
        assert r.status_code == 400, body
        assert r.json()["code"] == "invalid_text"
    ok = client.post(
        "/api/v1/accounts/tokens", '{"name": "a\\\\u0000b"}', content_type="application/json"
    )
    assert ok.status_code == 201  # an escaped backslash followed by "u0000" is plain text
    assert ok.json()["name"] == "a\\u0000b"


def test_nul_in_an_html_form_is_a_form_error_not_a_500(client):
    r = client.post(
        "/accounts/login/",
        "username=a%00b&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 200
    assert "Null characters are not allowed" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_value_the_database_refuses_is_400_not_500(client_for, make_user, monkeypatch):
    from django.db import DataError

    from marquee.accounts import queries

    def refused(user):
        raise DataError("value too long for type character varying(100)")

    monkeypatch.setattr(queries, "api_tokens_of", refused)
    r = client_for(make_user()).get("/api/v1/accounts/tokens")
    assert r.status_code == 400
    assert r["Content-Type"] == PROBLEM
    assert r.json()["code"] == "invalid_value"


def test_an_error_that_follows_a_lost_connection_is_503_not_500(client, monkeypatch):
    from django.db import OperationalError

    from marquee.catalog import api as catalog_api

    def broken(*args, **kwargs):
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as outage:
            raise RuntimeError("clean-up failed on the dead connection") from outage

    monkeypatch.setattr(catalog_api.queries, "search_titles", broken, raising=True)
    r = client.get("/api/v1/catalog/titles")
    assert r.status_code == 503
    assert r["Content-Type"] == PROBLEM
    assert r.json()["code"] == "service_unavailable"


def test_an_unrelated_error_is_still_a_500(client, monkeypatch):
    from marquee.catalog import api as catalog_api

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(catalog_api.queries, "search_titles", broken, raising=True)
    r = client.get("/api/v1/catalog/titles")
    assert r.status_code == 500
    assert r.json()["code"] == "internal_error"
