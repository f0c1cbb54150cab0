"""Sign-up refuses hostile names and emails (API and page) and is rate-limited per address."""

from __future__ import annotations

import pytest
from django.test import Client

from marquee.accounts import services
from marquee.accounts.models import User
from marquee.core.errors import DomainError

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "popcorn-and-tea-42"


@pytest.mark.parametrize(
    ("username", "code"),
    [
        ("<script>alert(1)</script>", "invalid_username"),
        ("evil\u202egnp.exe", "invalid_username"),  # right-to-left override
        ("zero\u200bwidth", "invalid_username"),
        ("tab\tname", "invalid_username"),
        ("nul\x00name", "invalid_username"),
        ("p\u0430ypal", "invalid_username"),  # Latin with a Cyrillic а
        ("\u0430dmin", "invalid_username"),  # Cyrillic а + Latin dmin
        ("omic\u03bfn", "invalid_username"),  # Latin with a Greek ο
        ("x" * 151, "invalid_username"),
        ("x" * 400, "invalid_username"),
        ("ab", "invalid_username"),
        ("   ", "invalid_username"),
        ("with space", "invalid_username"),
    ],
)
def test_hostile_usernames_are_refused(username, code):
    with pytest.raises(DomainError) as refused:
        services.sign_up(username=username, password=GOOD_PASSWORD)
    assert refused.value.code == code
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("ｆａｎ２０２６", "fan2026"),  # full-width → NFKC
        ("影迷_小王", "影迷_小王"),
        ("иван.петров", "иван.петров"),  # one script is fine
        ("jane.doe+films@x", "jane.doe+films@x"),
    ],
)
def test_usernames_are_nfkc_normalised_and_any_single_script_is_fine(given, stored):
    user = services.sign_up(username=given, password=GOOD_PASSWORD)
    assert user.username == stored


def test_a_full_width_lookalike_of_a_taken_name_is_taken():
    services.sign_up(username="admin1", password=GOOD_PASSWORD)
    with pytest.raises(DomainError) as refused:
        services.sign_up(username="ａｄｍｉｎ１", password=GOOD_PASSWORD)
    assert refused.value.code == "username_taken"


@pytest.mark.parametrize(
    "email",
    [
        "not-an-email",
        "a@b",
        "<script>@x.com",
        "a@" + "x" * 250 + ".com",
        "fan\u202e@x.com",
        "a\x00@x.com",
    ],
)
def test_invalid_emails_are_refused(email):
    with pytest.raises(DomainError) as refused:
        services.sign_up(username="fan-one", password=GOOD_PASSWORD, email=email)
    assert refused.value.code == "invalid_email"


@pytest.mark.parametrize(
    ("display_name", "code"),
    [
        ("x" * 101, "text_too_long"),
        ("a\x00b", "invalid_text"),
        ("bad\u202eman", "invalid_display_name"),
    ],
)
def test_display_names_are_plain_bounded_text(display_name, code):
    with pytest.raises(DomainError) as refused:
        services.sign_up(username="fan-one", password=GOOD_PASSWORD, display_name=display_name)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "x" * 400, "password": GOOD_PASSWORD},
        {"username": "nul\u0000", "password": GOOD_PASSWORD},
        {"username": "fan-one", "password": GOOD_PASSWORD, "email": "not-an-email"},
        {"username": "fan-one", "password": GOOD_PASSWORD, "display_name": "y" * 400},
        {"username": "<script>", "password": GOOD_PASSWORD},
    ],
)
def test_api_sign_up_answers_4xx_problem_json(client, payload):
    r = client.post("/api/v1/accounts/signup", payload, content_type="application/json")
    assert r.status_code in (400, 422), r.content
    assert r["Content-Type"] == "application/problem+json"
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "username", ["<script>alert(1)</script>", "x" * 400, "p\u0430ypal", "evil\u202ename", "a\x00b"]
)
def test_sign_up_page_shows_an_error_never_a_500(client, username):
    r = client.post(
        "/accounts/signup/",
        {"username": username, "password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD},
    )
    assert r.status_code in (200, 400)
    assert not User.objects.exists()


def test_sign_up_is_rate_limited_per_address(settings):
    settings.MARQUEE_RATE_LIMITS = {**settings.MARQUEE_RATE_LIMITS, "signup": {"ip": "3/h"}}
    client = Client(REMOTE_ADDR="10.5.5.5")
    for n in range(3):
        r = client.post(
            "/api/v1/accounts/signup",
            {"username": f"fan-{n}", "password": GOOD_PASSWORD},
            content_type="application/json",
        )
        assert r.status_code == 201
    r = client.post(
        "/api/v1/accounts/signup",
        {"username": "fan-9", "password": GOOD_PASSWORD},
        content_type="application/json",
    )
    assert r.status_code == 429
    assert r.json()["code"] == "rate_limited"
    page = Client(REMOTE_ADDR="10.5.5.5").post(
        "/accounts/signup/",
        {"username": "fan-10", "password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD},
    )
    assert page.status_code == 200
    assert "Too many signup requests" in page.content.decode()
    assert User.objects.count() == 3
    other = Client(REMOTE_ADDR="10.6.6.6").post(
        "/api/v1/accounts/signup",
        {"username": "fan-11", "password": GOOD_PASSWORD},
        content_type="application/json",
    )
    assert other.status_code == 201
