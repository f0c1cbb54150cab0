import pytest
import time_machine
from django.core.cache import cache
from django.test import RequestFactory

from marquee.core.ratelimit import Rate, RateLimited, client_address, enforce_rate_limits


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _request(ip="10.0.0.1", user=None, xff=None):
    request = RequestFactory().post("/api/v1/ticketing/holds", REMOTE_ADDR=ip)
    if xff:
        request.META["HTTP_X_FORWARDED_FOR"] = xff
    if user is not None:
        request.user = user
    return request


class _User:
    is_authenticated = True

    def __init__(self, pk):
        self.pk = pk


@pytest.mark.parametrize(
    ("text", "count", "seconds"),
    [("30/min", 30, 60), ("5/10s", 5, 10), ("1000/h", 1000, 3600), ("2/day", 2, 86400)],
)
def test_rate_parse(text, count, seconds):
    assert Rate.parse(text) == Rate(count, seconds)


@pytest.mark.parametrize("text", ["", "x/min", "5/fortnight", "5"])
def test_rate_parse_rejects_nonsense(text):
    with pytest.raises(ValueError):
        Rate.parse(text)


def test_account_limit_then_429_with_retry_after(settings):
    settings.MARQUEE_RATE_LIMITS = {"holds": {"account": "3/min"}}
    with time_machine.travel("2026-11-21 12:00:10Z", tick=False):
        for _ in range(3):
            enforce_rate_limits(_request(user=_User(1)), "holds")
        with pytest.raises(RateLimited) as info:
            enforce_rate_limits(_request(user=_User(1)), "holds")
        assert info.value.status == 429
        assert info.value.detail["retry_after"] == 50
        # Another account is not affected.
        enforce_rate_limits(_request(user=_User(2)), "holds")
    with time_machine.travel("2026-11-21 12:01:00Z", tick=False):
        enforce_rate_limits(_request(user=_User(1)), "holds")  # a new window


def test_ip_limit_counts_anonymous_and_signed_in_alike(settings):
    settings.MARQUEE_RATE_LIMITS = {"holds": {"ip": "2/min"}}
    enforce_rate_limits(_request(ip="10.9.9.9"), "holds")
    enforce_rate_limits(_request(ip="10.9.9.9", user=_User(7)), "holds")
    with pytest.raises(RateLimited):
        enforce_rate_limits(_request(ip="10.9.9.9", user=_User(8)), "holds")
    enforce_rate_limits(_request(ip="10.9.9.10"), "holds")


def test_unconfigured_scope_is_unlimited(settings):
    settings.MARQUEE_RATE_LIMITS = {}
    for _ in range(50):
        enforce_rate_limits(_request(user=_User(1)), "holds")


def test_forwarded_for_is_trusted_only_behind_configured_proxies(settings):
    settings.MARQUEE_TRUSTED_PROXIES = 0
    assert client_address(_request(ip="10.0.0.5", xff="1.2.3.4")) == "10.0.0.5"
    settings.MARQUEE_TRUSTED_PROXIES = 1
    assert client_address(_request(ip="10.0.0.5", xff="9.9.9.9, 1.2.3.4")) == "1.2.3.4"


def _redis_up() -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.skipif(not _redis_up(), reason="needs Redis at 127.0.0.1:6379")
def test_limits_are_shared_through_redis(settings):
    """With REDIS_URL every app worker counts against the same window."""
    from django.core.cache.backends.redis import RedisCache

    redis_cache = RedisCache("redis://127.0.0.1:6379/15", {})
    redis_cache.clear()
    settings.MARQUEE_RATE_LIMITS = {"holds": {"account": "2/min"}}
    import marquee.core.ratelimit as ratelimit

    original = ratelimit.cache
    ratelimit.cache = redis_cache
    try:
        enforce_rate_limits(_request(user=_User(42)), "holds")
        enforce_rate_limits(_request(user=_User(42)), "holds")
        # A second "worker" (a fresh client on the same Redis) sees the same count.
        ratelimit.cache = RedisCache("redis://127.0.0.1:6379/15", {})
        with pytest.raises(RateLimited):
            enforce_rate_limits(_request(user=_User(42)), "holds")
    finally:
        ratelimit.cache = original
        redis_cache.clear()
