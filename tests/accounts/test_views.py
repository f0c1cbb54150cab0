import re

import pytest

from marquee.accounts.models import User

pytestmark = pytest.mark.django_db


def test_signup_page_creates_account_and_logs_in(client):
    r = client.post(
        "/accounts/signup/",
        {
            "username": "newfan",
            "email": "newfan@example.com",
            "password": "popcorn-and-tea-42",
            "password_again": "popcorn-and-tea-42",
        },
    )
    assert r.status_code == 302
    user = User.objects.get(username="newfan")
    assert user.check_password("popcorn-and-tea-42")
    assert client.get("/api/v1/accounts/me").json()["username"] == "newfan"


def test_signup_page_shows_field_errors_and_creates_nothing(client):
    r = client.post(
        "/accounts/signup/",
        {"username": "x", "password": "123", "password_again": "124"},
    )
    assert r.status_code == 200
    assert b"field-error" in r.content
    assert not User.objects.filter(username="x").exists()


def test_login_and_logout(client, make_user):
    user = make_user(username="logger")
    r = client.post(
        "/accounts/login/", {"username": "logger", "password": "correct-horse-battery-staple"}
    )
    assert r.status_code == 302
    assert client.get("/api/v1/accounts/me").json()["id"] == user.pk
    client.post("/accounts/logout/")
    assert client.get("/api/v1/accounts/me").status_code == 401


def test_password_reset_mails_a_working_link(client, make_user, mailoutbox):
    user = make_user(username="forgetful")
    r = client.post("/accounts/password-reset/", {"email": user.email})
    assert r.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"http://[^/]+(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    r = client.get(link, follow=True)
    assert r.status_code == 200
    form_url = r.redirect_chain[-1][0]
    r = client.post(
        form_url, {"new_password1": "brand-new-secret-77", "new_password2": "brand-new-secret-77"}
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-secret-77")
