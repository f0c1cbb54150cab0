"""A forged Host header cannot put an attacker's domain into a password-reset mail."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

pytestmark = pytest.mark.django_db


def test_outside_production_only_local_hosts_are_allowed():
    assert "*" not in settings.ALLOWED_HOSTS
    assert {"localhost", "127.0.0.1", "[::1]"} <= set(settings.ALLOWED_HOSTS)


def test_a_forged_host_is_refused_and_no_mail_is_sent(client, make_user):
    user = make_user()
    r = client.post(
        "/accounts/password-reset/", {"email": user.email}, HTTP_HOST="attacker.example"
    )
    assert r.status_code == 400
    assert mail.outbox == []


def test_a_local_host_gets_its_reset_link(client, make_user):
    user = make_user()
    r = client.post("/accounts/password-reset/", {"email": user.email}, HTTP_HOST="localhost:8000")
    assert r.status_code == 302
    (message,) = mail.outbox
    assert "http://localhost:8000/accounts/reset/" in message.body
    assert "attacker" not in message.body
