"""API authentication: per-user bearer tokens and the Django session.

Tokens look like ``mq_<prefix>_<secret>``; only the SHA-256 digest of the whole
token is stored, so a leaked database does not leak usable tokens.
"""

from __future__ import annotations

import hashlib

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from marquee.accounts.models import ApiToken, User
from marquee.core.prepared import Prepared

TOKEN_PREFIX = "mq_"  # noqa: S105 - a public marker, not a secret


def digest_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _token_lookup(digest: str):
    fields = User._meta.concrete_fields
    return (
        ApiToken.objects.filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .order_by()
        .values_list("pk", "last_used_at", *(f"user__{f.name}" for f in fields))[:1]
    )


#: Every authenticated API request runs this lookup: compiled once (core.prepared).
_TOKEN_LOOKUP = Prepared(_token_lookup, digest=str)


def user_for_token(raw: str) -> User | None:
    """The active user owning ``raw``, or ``None`` when unknown or revoked."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    row = _TOKEN_LOOKUP.first(digest=digest_token(raw))
    if row is None:
        return None
    token_pk, last_used_at, *user_values = row
    now = timezone.now()
    # Touch at most once a minute: a hot token must not turn every read into a write.
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_pk).update(last_used_at=now)
    attnames = [f.attname for f in User._meta.concrete_fields]
    return User.from_db("default", attnames, user_values)


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
            request.auth_via_token = True  # type: ignore[attr-defined]
        return user


class MarqueeSessionAuth(SessionAuth):
    """Session cookie auth with Django's CSRF check (ninja's default behaviour).

    Only a signed-in session is checked for CSRF: an anonymous caller has no
    session to protect, and is answered 401 (log in or send a token) rather
    than a misleading 403 about a CSRF token.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)


#: The auth every write endpoint uses: a bearer token or a logged-in session.
AUTH = [TokenAuth(), MarqueeSessionAuth()]


def acting_user(request: HttpRequest) -> User | None:
    """The caller of a public (``auth=None``) endpoint, if it identified itself.

    Reads only: public endpoints skip the CSRF check, so never use this to
    authorise a write.
    """
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return user_for_token(header[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
