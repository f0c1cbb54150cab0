"""Who may do what in crowdfunding.

Fans (any signed-in account) pledge and read their own pledges; investment
staff and admins create and manage offerings, read their backers and pay
returns; distribution staff (and admins) link an offering to a pre-sale round,
because invitations to their rounds are theirs to give.
"""

from __future__ import annotations

from marquee.accounts.models import Role
from marquee.accounts.permissions import AnyUser, has_role, is_admin


def authenticated(user: AnyUser | None) -> bool:
    return user is not None and user.is_authenticated


def can_manage_offerings(user: AnyUser | None) -> bool:
    """Investment & production staff and admins."""
    return authenticated(user) and has_role(user, Role.INVESTMENT)


def can_grant_presale(user: AnyUser | None) -> bool:
    """Distribution staff and admins (they plan pre-sale rounds and their invitations)."""
    return authenticated(user) and has_role(user, Role.DISTRIBUTION)


def can_read_pledge(user: AnyUser | None, backer_id: int) -> bool:
    """The backer, and admins acting for them."""
    return authenticated(user) and (user.pk == backer_id or is_admin(user))
