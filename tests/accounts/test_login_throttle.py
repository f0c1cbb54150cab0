"""Brute force on the log-in pages (site and admin): per account and per address, with backoff."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def _post(client: Client, url: str, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_forty_wrong_passwords_then_the_right_one_is_refused_while_locked(make_user, url):
    user = make_user(role="distribution")  # staff, so /admin/ would accept the password
    client = Client()
    with time_machine.travel(dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(40):
            r = _post(client, url, user.username, "wrong-password")
            assert r.status_code == 200
        r = _post(client, url, user.username, PASSWORD)
        assert r.status_code == 200
        assert not _logged_in(client)
        assert "Too many failed log-ins for this account" in r.content.decode()
        # The same password from another address: the account lock still holds.
        r = _post(Client(), url, user.username, PASSWORD, ip="10.9.9.9")
        assert "Too many failed log-ins" in r.content.decode()

        clock.shift(dt.timedelta(hours=2))  # past the longest lock-out
        r = _post(client, url, user.username, PASSWORD, ip="10.9.9.9")
        assert r.status_code == 302
        assert _logged_in(client)


def test_lock_outs_back_off_and_a_success_resets_them(make_user, settings):
    user = make_user()
    client = Client()
    with time_machine.travel(dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(settings.MARQUEE_LOGIN_FAILURES):
            r = _post(client, LOGIN, user.username, "nope")
        assert "Try again in 1 minute" in r.content.decode()
        clock.shift(dt.timedelta(seconds=61))
        for _ in range(settings.MARQUEE_LOGIN_FAILURES):
            r = _post(client, LOGIN, user.username, "nope")
        assert "Try again in 2 minutes" in r.content.decode()  # doubled
        clock.shift(dt.timedelta(seconds=100))
        assert (
            "Try again in 1 minute"
            in _post(client, LOGIN, user.username, PASSWORD).content.decode()
        )
        clock.shift(dt.timedelta(seconds=21))
        assert _post(client, LOGIN, user.username, PASSWORD).status_code == 302
        client.logout()
        for _ in range(settings.MARQUEE_LOGIN_FAILURES):
            r = _post(client, LOGIN, user.username, "nope")
        assert "Try again in 1 minute" in r.content.decode()  # back to the first level


def test_one_address_guessing_many_accounts_is_locked_out(make_user, settings):
    users = [make_user() for _ in range(3)]
    client = Client()
    with time_machine.travel(dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        for n in range(settings.MARQUEE_LOGIN_FAILURES_PER_ADDRESS):
            _post(client, LOGIN, f"someone{n}", "guess", ip="10.2.2.2")
        r = _post(client, LOGIN, users[0].username, PASSWORD, ip="10.2.2.2")
        assert "Too many failed log-ins from your network" in r.content.decode()
        assert not _logged_in(client)
        # Another address is not affected.
        assert _post(Client(), LOGIN, users[1].username, PASSWORD, ip="10.3.3.3").status_code == 302


def test_a_few_typos_do_not_lock_anyone_out(make_user, settings):
    user = make_user()
    client = Client()
    for _ in range(settings.MARQUEE_LOGIN_FAILURES - 1):
        _post(client, LOGIN, user.username, "typo")
    assert _post(client, LOGIN, user.username, PASSWORD).status_code == 302
