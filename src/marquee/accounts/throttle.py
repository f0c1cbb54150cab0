"""Brute-force defence for password log-ins (the web log-in page and /admin/).

Failed attempts are counted in the shared cache (Redis in production) per
account and per client address. Reaching the limit locks that account or
address out; each further lock-out of the same key lasts twice as long, up to
a cap, until a successful log-in (account) or a quiet day resets it. While
locked, the password is not even checked, so guessing during a lock-out
teaches nothing.

Settings: ``MARQUEE_LOGIN_FAILURES`` (per account, default 5),
``MARQUEE_LOGIN_FAILURES_PER_ADDRESS`` (default 20),
``MARQUEE_LOGIN_LOCKOUT_SECONDS`` (first lock-out, default 60) and
``MARQUEE_LOGIN_LOCKOUT_MAX_SECONDS`` (cap, default 3600).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from marquee.core.ratelimit import client_address

logger = logging.getLogger("marquee.accounts.login")

#: Failures are counted over this window; lock-out levels are forgotten after a day.
FAILURE_WINDOW_SECONDS = 15 * 60
LEVEL_MEMORY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Lockout:
    kind: str  # "account" or "address"
    seconds: int


def _keys(request: HttpRequest | None, username: str) -> list[tuple[str, str, int]]:
    """(kind, cache key, failures allowed) for the account and the address."""
    name = unicodedata.normalize("NFKC", username or "").strip().casefold()
    digest = hashlib.sha256(name.encode()).hexdigest()[:32]
    keys = [("account", f"login:acct:{digest}", settings.MARQUEE_LOGIN_FAILURES)]
    if request is not None:
        keys.append(
            (
                "address",
                f"login:ip:{client_address(request)}",
                settings.MARQUEE_LOGIN_FAILURES_PER_ADDRESS,
            )
        )
    return keys


def _incr(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


def current_lockout(request: HttpRequest | None, username: str) -> Lockout | None:
    """The lock-out that refuses this attempt now, or ``None``."""
    now = time.time()
    for kind, key, _ in _keys(request, username):
        until = cache.get(f"{key}:until")
        if until is not None and until > now:
            return Lockout(kind, max(1, math.ceil(until - now)))
    return None


def record_failure(request: HttpRequest | None, username: str) -> Lockout | None:
    """Count a failed attempt; return the lock-out it starts, if any."""
    started = None
    now = time.time()
    for kind, key, allowed in _keys(request, username):
        if _incr(f"{key}:failures", FAILURE_WINDOW_SECONDS) < allowed:
            continue
        cache.delete(f"{key}:failures")
        level = _incr(f"{key}:level", LEVEL_MEMORY_SECONDS)
        seconds = min(
            settings.MARQUEE_LOGIN_LOCKOUT_SECONDS * 2 ** min(level - 1, 30),
            settings.MARQUEE_LOGIN_LOCKOUT_MAX_SECONDS,
        )
        cache.set(f"{key}:until", now + seconds, timeout=seconds + 1)
        logger.warning("login lock-out: %s %s for %d s (level %d)", kind, key, seconds, level)
        started = started or Lockout(kind, seconds)
    return started


def record_success(request: HttpRequest | None, username: str) -> None:
    """A correct password clears the account's count (never the address's)."""
    key = _keys(request, username)[0][1]
    cache.delete_many([f"{key}:failures", f"{key}:level", f"{key}:until"])


def lockout_message(lockout: Lockout) -> str:
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    minutes = math.ceil(lockout.seconds / 60)
    wait = ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    if lockout.kind == "account":
        text = _("Too many failed log-ins for this account. Try again in %(wait)s.")
    else:
        text = _("Too many failed log-ins from your network. Try again in %(wait)s.")
    return text % {"wait": wait}
