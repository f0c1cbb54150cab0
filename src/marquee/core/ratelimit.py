"""Fixed-window rate limits on the shared cache (Redis when ``REDIS_URL`` is set).

``enforce_rate_limits(request, scope)`` counts the request against every limit
configured for ``scope`` in ``settings.MARQUEE_RATE_LIMITS`` — per account and
per client address — and raises :class:`RateLimited` (HTTP 429 with
``Retry-After``) once a window is full. Counting is one atomic ``incr`` per
limit, so concurrent requests cannot slip past the count. Without Redis the
cache is per process: each app worker then enforces the limit on its own.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from marquee.core.errors import CoreErrorCode, DomainError

_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


class RateLimited(DomainError):
    status = 429
    title = "Too many requests"


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"30/min"``, ``"5/10s"``, ``"1000/h"`` → a :class:`Rate`."""
        count, _, period = text.partition("/")
        digits = "".join(ch for ch in period if ch.isdigit())
        unit = period[len(digits) :]
        if unit not in _PERIODS or not count.isdigit():
            raise ValueError(f"bad rate {text!r}")
        return cls(int(count), int(digits or 1) * _PERIODS[unit])


def client_address(request: HttpRequest) -> str:
    """The client's address; behind a proxy trust the last ``MARQUEE_TRUSTED_PROXIES`` hops."""
    proxies = int(getattr(settings, "MARQUEE_TRUSTED_PROXIES", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _hit(key: str, rate: Rate, now: float) -> int | None:
    """Count one request; return seconds to wait when the window is full, else None."""
    window = int(now // rate.seconds)
    cache_key = f"rl:{key}:{rate.seconds}:{window}"
    # add() creates the counter atomically; incr() is atomic on Redis and locmem.
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.add(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    if count > rate.count:
        return max(1, math.ceil((window + 1) * rate.seconds - now))
    return None


def enforce_rate_limits(request: HttpRequest, scope: str) -> None:
    """Raise :class:`RateLimited` when ``request`` exceeds a limit of ``scope``.

    ``settings.MARQUEE_RATE_LIMITS[scope]`` maps ``"account"`` and ``"ip"`` to a
    rate string; a missing or empty entry means no limit of that kind.
    """
    limits = getattr(settings, "MARQUEE_RATE_LIMITS", {}).get(scope, {})
    now = time.time()
    user = getattr(request, "user", None)
    checks: list[tuple[str, str]] = []
    if limits.get("account") and user is not None and user.is_authenticated:
        checks.append((f"{scope}:user:{user.pk}", limits["account"]))
    if limits.get("ip"):
        checks.append((f"{scope}:ip:{client_address(request)}", limits["ip"]))
    for key, rate_text in checks:
        wait = _hit(key, Rate.parse(rate_text), now)
        if wait is not None:
            kind = "account" if ":user:" in key else "address"
            raise RateLimited(
                CoreErrorCode.RATE_LIMITED,
                f"Too many {scope} requests from this {kind}; retry in {wait} s.",
                retry_after=wait,
                limit=rate_text,
            )
