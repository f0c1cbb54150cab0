"""The account's API token page: create (shown once), use, revoke."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from marquee.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_the_account_page_links_to_the_tokens(client_for, make_user):
    assert "/account/tokens/" in client_for(make_user()).get("/account/").content.decode()


def test_a_token_is_shown_once_works_and_can_be_revoked(client_for, make_user):
    user = make_user()
    browser = client_for(user)
    r = browser.post("/account/tokens/", {"name": "my scanner"})
    assert r.status_code == 200
    assert r["Cache-Control"] == "no-store"
    raw = re.search(r"<code>(mq_[A-Za-z0-9_-]+)</code>", r.content.decode()).group(1)
    token = ApiToken.objects.get(user=user)
    assert token.name == "my scanner"
    assert raw not in browser.get("/account/tokens/").content.decode()  # never again

    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/accounts/me").json()["username"] == user.username

    r = browser.post("/account/tokens/", {"revoke": str(token.pk)})
    assert r.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/accounts/me").status_code == 401


def test_another_accounts_token_cannot_be_revoked(client_for, make_user):
    owner, other = make_user(), make_user()
    client_for(owner).post("/account/tokens/", {"name": "mine"})
    token = ApiToken.objects.get(user=owner)
    r = client_for(other).post("/account/tokens/", {"revoke": str(token.pk)}, follow=True)
    assert "No such token" in r.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("name", ["x" * 400, "a\x00b", ""])
def test_bad_token_names_are_form_errors_not_500(client_for, make_user, name):
    user = make_user()
    r = client_for(user).post("/account/tokens/", {"name": name})
    assert r.status_code in (200, 400)
    assert not ApiToken.objects.filter(user=user).exists()


def test_the_token_page_needs_a_login(client):
    r = client.get("/account/tokens/")
    assert r.status_code == 302
    assert "/accounts/login/" in r["Location"]
