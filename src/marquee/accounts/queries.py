"""Reads for accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from marquee.accounts.models import ApiToken, User


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """``user``'s API tokens, newest first (revoked ones included)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
