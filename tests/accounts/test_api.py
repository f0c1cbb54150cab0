import pytest

from marquee.accounts.models import ApiToken, Role

pytestmark = pytest.mark.django_db


def test_signup_creates_moviegoer_and_rejects_duplicates(client):
    r = client.post(
        "/api/v1/accounts/signup",
        {"username": "fan1", "password": "a-long-secret-9x", "email": "Fan1@Example.com"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["roles"] == ["moviegoer"]
    again = client.post(
        "/api/v1/accounts/signup",
        {"username": "FAN1", "password": "a-long-secret-9x"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert again.json()["code"] == "username_taken"


def test_weak_password_is_refused_with_problem(client):
    r = client.post(
        "/api/v1/accounts/signup",
        {"username": "fan2", "password": "123"},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert r.json()["code"] == "weak_password"


def test_me_needs_authentication(client):
    r = client.get("/api/v1/accounts/me")
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated"


def test_token_lifecycle_hashed_and_revocable(make_user, client_for, client):
    user = make_user(role=Role.CINEMA_OPERATOR)
    c = client_for(user)
    created = c.post(
        "/api/v1/accounts/tokens", {"name": "scanner"}, content_type="application/json"
    )
    assert created.status_code == 201
    raw = created.json()["token"]
    stored = ApiToken.objects.get(pk=created.json()["id"])
    assert raw not in stored.digest and len(stored.digest) == 64

    me = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.status_code == 200
    assert "cinema_operator" in me.json()["roles"]

    revoked = c.delete(f"/api/v1/accounts/tokens/{stored.pk}")
    assert revoked.status_code == 200
    after = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert after.status_code == 401


def test_session_writes_need_csrf(make_user):
    from django.test import Client

    user = make_user()
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    r = c.post("/api/v1/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert r.status_code in (401, 403)
