"""Who may do what: role checks shared by every domain.

Scoping rules live in each domain's ``queries.py`` (``visible_venues(user)``…)
and build on these helpers. A superuser or a member with the ``admin`` role
passes every role check.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from marquee.accounts.models import Membership, Role, User
from marquee.core.errors import CoreErrorCode, PermissionDenied

AnyUser = User | AnonymousUser


def _memberships(user: AnyUser) -> list[tuple[int, str]]:
    """(organisation id, role) pairs, cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_marquee_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        user._marquee_memberships = cached  # type: ignore[union-attr]
    return cached


def is_admin(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser) or any(r == Role.ADMIN for _, r in _memberships(user))


def roles_of(user: AnyUser) -> frozenset[str]:
    """Every role the user holds; any signed-in account is also a moviegoer."""
    if not user.is_authenticated:
        return frozenset()
    roles = {r for _, r in _memberships(user)} | {Role.MOVIEGOER}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return frozenset(roles)


def has_role(user: AnyUser, *roles: str) -> bool:
    if not user.is_authenticated:
        return False
    return is_admin(user) or bool(roles_of(user) & set(roles))


def organisation_ids(user: AnyUser, role: str) -> frozenset[int]:
    """The organisations in which ``user`` holds ``role``."""
    return frozenset(org for org, r in _memberships(user) if r == role)


def require_role(user: AnyUser, *roles: str) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` holds one of ``roles`` (or is admin)."""
    if not has_role(user, *roles):
        raise PermissionDenied(
            CoreErrorCode.FORBIDDEN,
            "This needs one of the roles: " + ", ".join(sorted(str(r) for r in roles)) + ".",
        )


def clear_role_cache(user: AnyUser) -> None:
    if hasattr(user, "_marquee_memberships"):
        del user._marquee_memberships  # type: ignore[union-attr]
