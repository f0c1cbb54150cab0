"""What a production server refuses to start without.

Called from ``settings.py`` when ``MARQUEE_ENV=production``; each failure is an
``ImproperlyConfigured`` naming the variable to set, so a misconfigured host
stops at boot instead of signing tickets with a throw-away key, mailing to the
console or counting rate limits per worker.
"""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import ImproperlyConfigured

MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_DISTINCT = 10
#: Mail backends that never deliver (or only to the console / memory).
UNDELIVERED_MAIL_BACKENDS = frozenset(
    {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
    }
)
#: Caches private to one process: a limit counted there is multiplied by the workers.
PER_PROCESS_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)
#: Keys that appear in examples and docs; never a production secret.
KNOWN_WEAK_PREFIXES = ("django-insecure-", "change-me", "changeme", "dev-", "marquee-dev")


def decode_key(value: str, *, length: int) -> bytes | None:
    """``value`` as base64 (standard or url-safe, padding optional) of ``length`` bytes, or None."""
    text = "".join(value.split())
    text += "=" * (-len(text) % 4)
    try:
        raw = base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == length else None


def weak_secret_key_reason(key: str) -> str | None:
    """Why ``key`` is too weak for production, or None when it is fine."""
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"it is {len(key)} characters long; use at least {MIN_SECRET_KEY_LENGTH}"
    if len(set(key)) < MIN_SECRET_KEY_DISTINCT:
        return f"it has fewer than {MIN_SECRET_KEY_DISTINCT} distinct characters"
    if key.lower().startswith(KNOWN_WEAK_PREFIXES):
        return "it is a development or example key"
    return None


def check_production_settings(
    *,
    secret_key: str,
    ticket_signing_key: str,
    retired_public_keys: list[str],
    email_backend: str,
    cache_backend: str,
) -> None:
    """Raise ``ImproperlyConfigured`` for the first setting production cannot run with."""
    reason = weak_secret_key_reason(secret_key)
    if reason:
        raise ImproperlyConfigured(
            f"MARQUEE_ENV=production refuses this SECRET_KEY: {reason}. Generate one with "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
        )
    if not ticket_signing_key:
        raise ImproperlyConfigured(
            "MARQUEE_ENV=production needs MARQUEE_TICKET_SIGNING_KEY (base64 of a 32-byte "
            "Ed25519 seed) so that every server signs and verifies tickets with the same key; "
            'generate one with `python -c "import base64, secrets; '
            'print(base64.b64encode(secrets.token_bytes(32)).decode())"`.'
        )
    if decode_key(ticket_signing_key, length=32) is None:
        raise ImproperlyConfigured(
            "MARQUEE_TICKET_SIGNING_KEY must be the base64 of a 32-byte Ed25519 seed."
        )
    for key in retired_public_keys:
        if decode_key(key, length=32) is None:
            raise ImproperlyConfigured(
                "MARQUEE_TICKET_RETIRED_PUBLIC_KEYS must list base64 raw 32-byte Ed25519 "
                f"public keys, separated by commas; {key[:12]!r}… is not one."
            )
    if email_backend in UNDELIVERED_MAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"MARQUEE_ENV=production refuses EMAIL_BACKEND={email_backend}: password-reset "
            "mails would never arrive. Set EMAIL_BACKEND to "
            "django.core.mail.backends.smtp.EmailBackend (with EMAIL_HOST …)."
        )
    if cache_backend in PER_PROCESS_CACHES:
        raise ImproperlyConfigured(
            "MARQUEE_ENV=production needs REDIS_URL: rate limits and login lock-outs "
            "counted in a per-process cache let each worker grant the whole limit again."
        )
