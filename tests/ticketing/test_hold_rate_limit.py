"""Hold creation is rate-limited per account and per address: 429 + Retry-After."""

import os
import secrets
import subprocess
import sys
from types import SimpleNamespace

import pytest
import redis

from marquee.core.ratelimit import RateLimited, enforce_rate_limits

pytestmark = pytest.mark.django_db


def _hold(client, showtime, seat):
    return client.post(
        "/api/v1/ticketing/holds",
        {"showtime_id": showtime.pk, "seats": [seat]},
        content_type="application/json",
    )


def test_account_limit_answers_429_with_retry_after_and_holds_nothing(
    settings, client_for, buyer, showtime
):
    settings.MARQUEE_RATE_LIMITS = {"holds": {"account": "2/h"}}
    client = client_for(buyer)
    codes = [s.code for s in showtime.hall.seats.order_by("row", "column")[:6]]
    assert _hold(client, showtime, codes[0]).status_code == 201
    assert _hold(client, showtime, codes[1]).status_code == 201
    refused = _hold(client, showtime, codes[2])
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert int(refused["Retry-After"]) >= 1
    # Nothing was held for the refused request.
    seats = client.get(f"/api/v1/ticketing/showtimes/{showtime.pk}/seats").json()
    states = {s["code"]: s["state"] for s in seats["seats"]}
    assert [states[c] for c in codes[:3]] == ["held", "held", "free"]


def test_address_limit_covers_every_account_on_it(settings, client_for, make_user, showtime):
    settings.MARQUEE_RATE_LIMITS = {"holds": {"ip": "1/min"}}
    codes = [s.code for s in showtime.hall.seats.order_by("row", "column")[:2]]
    assert _hold(client_for(make_user()), showtime, codes[0]).status_code == 201
    assert _hold(client_for(make_user()), showtime, codes[1]).status_code == 429


# --- counted where every worker sees it ---------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/2"

#: Another app worker: a separate process counting one hold of account ``sys.argv[1]``.
_OTHER_WORKER = """
import sys
from types import SimpleNamespace

import django

django.setup()
from marquee.core.ratelimit import RateLimited, enforce_rate_limits

user = SimpleNamespace(pk=int(sys.argv[1]), is_authenticated=True)
try:
    enforce_rate_limits(SimpleNamespace(user=user, META={}), "holds")
except RateLimited:
    print("refused")
else:
    print("allowed")
"""


def _hold_in_another_worker(account: int, *, redis: bool) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marquee.settings",
        "MARQUEE_HOLD_RATE_ACCOUNT": "2/h",
        "MARQUEE_HOLD_RATE_IP": "",
    }
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = REDIS_URL
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", _OTHER_WORKER, str(account)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def account() -> int:
    """An account number no other run counted against in this minute."""
    return 10**12 + secrets.randbelow(10**9)


def _hold_here(account: int) -> None:
    user = SimpleNamespace(pk=account, is_authenticated=True)
    enforce_rate_limits(SimpleNamespace(user=user, META={}), "holds")


def test_with_redis_the_account_limit_is_one_count_across_workers(settings, account):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        pytest.fail(f"this test needs Redis at {REDIS_URL} (CI runs one)")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    settings.MARQUEE_RATE_LIMITS = {"holds": {"account": "2/h"}}
    _hold_here(account)
    _hold_here(account)
    # The account used its two holds of the minute in this worker: another refuses it.
    assert _hold_in_another_worker(account, redis=True) == "refused"


def test_control_without_redis_each_worker_counts_alone(settings, account):
    settings.MARQUEE_RATE_LIMITS = {"holds": {"account": "2/h"}}
    _hold_here(account)
    _hold_here(account)
    with pytest.raises(RateLimited):
        _hold_here(account)
    assert _hold_in_another_worker(account, redis=False) == "allowed"
