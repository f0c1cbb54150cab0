"""Writes for accounts: sign-up, memberships, API tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from marquee.accounts.auth import TOKEN_PREFIX, digest_token
from marquee.accounts.errors import AccountsErrorCode
from marquee.accounts.models import ApiToken, Membership, Organisation, Role, User
from marquee.accounts.permissions import clear_role_cache
from marquee.accounts.validation import clean_display_name, clean_email, clean_username
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.core.text import clean_text


def sign_up(
    *,
    username: str,
    password: str,
    email: str | None = None,
    display_name: str = "",
    preferred_language: str = "",
) -> User:
    """Create a moviegoer account.

    Raises :class:`Conflict` when the username or email is taken and
    :class:`DomainError` when the username, email or display name is not
    acceptable (``invalid_username``, ``invalid_email``, ``invalid_display_name``,
    ``invalid_text``; see ``accounts.validation``) or the password fails the
    validators (``weak_password``).
    """
    username = clean_username(username)
    email = clean_email(email)
    display_name = clean_display_name(display_name)
    if not isinstance(password, str) or "\x00" in password or len(password) > 4096:
        raise DomainError(AccountsErrorCode.WEAK_PASSWORD, "This password cannot be used.")
    candidate = User(username=username, email=email, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise DomainError(AccountsErrorCode.WEAK_PASSWORD, " ".join(exc.messages)) from exc
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise Conflict(AccountsErrorCode.USERNAME_TAKEN, f"The username {username!r} is taken.")
        if email and User.objects.filter(email__iexact=email).exists():
            raise Conflict(AccountsErrorCode.EMAIL_TAKEN, "An account with this email exists.")
        user = User(
            username=username,
            email=email,
            display_name=display_name,
            preferred_language=preferred_language,
        )
        user.set_password(password)
        user.save()
    return user


def grant_role(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``organisation`` (idempotent).

    Staff roles get ``is_staff`` so they can reach the admin, where their
    querysets are scoped by role.
    """
    if role not in Role.values or role == Role.MOVIEGOER:
        raise DomainError(AccountsErrorCode.INVALID_ROLE, f"{role!r} is not a grantable role.")
    with transaction.atomic():
        membership, _ = Membership.objects.get_or_create(
            user=user, organisation=organisation, role=role
        )
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    clear_role_cache(user)
    return membership


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token; the raw value is returned once and never stored.

    Raises :class:`~marquee.core.text.InvalidText` for a name with a NUL or
    longer than 100 characters.
    """
    name = clean_text(name, field="name", max_length=100) or "token"
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=digest_token(raw))
    return token, raw


def revoke_api_token(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens; revoking twice is harmless."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise NotFound(AccountsErrorCode.TOKEN_NOT_FOUND, f"No token {token_id} of yours.")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token
