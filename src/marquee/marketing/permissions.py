"""Who may do what in marketing: staff manage segments and campaigns; moviegoers own vouchers."""

from __future__ import annotations

from marquee.accounts.models import Role
from marquee.accounts.permissions import AnyUser, has_role
from marquee.marketing.errors import MarketingErrorCode, PermissionDenied


def can_manage_marketing(user: AnyUser | None) -> bool:
    """Distribution & marketing staff (the ``distribution`` role) and admins."""
    return user is not None and user.is_authenticated and has_role(user, Role.DISTRIBUTION)


def require_marketing_staff(user: AnyUser | None) -> None:
    """Raise :class:`PermissionDenied` ``not_marketing_staff`` unless :func:`can_manage_marketing`."""
    if not can_manage_marketing(user):
        raise PermissionDenied(
            MarketingErrorCode.NOT_MARKETING_STAFF,
            "Segments and campaigns are for distribution and marketing staff.",
        )
