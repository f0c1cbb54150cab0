"""Who may do what with merchandise.

- The licensor (the studio's rights staff, and admins) grants licences and
  reviews products; rights and finance staff read every licence and statement.
- A merchant's members (role ``merchant`` in the merchant's organisation) manage
  its own products, stock and orders and read its own licences and statements.
- Any signed-in account buys; everyone may verify an authenticity code.
"""

from __future__ import annotations

from marquee.accounts.models import Role
from marquee.accounts.permissions import AnyUser, has_role, is_admin, organisation_ids


def authenticated(user: AnyUser | None) -> bool:
    return user is not None and user.is_authenticated


def is_licensor(user: AnyUser | None) -> bool:
    """Grants licences and approves products: rights staff and admins."""
    return authenticated(user) and has_role(user, Role.RIGHTS)


def is_studio_reader(user: AnyUser | None) -> bool:
    """Reads every licence and royalty statement: rights and finance staff, admins."""
    return authenticated(user) and has_role(user, Role.RIGHTS, Role.FINANCE)


def merchant_organisations(user: AnyUser | None) -> frozenset[int]:
    """The organisations in which ``user`` acts as a merchant."""
    if not authenticated(user):
        return frozenset()
    return organisation_ids(user, Role.MERCHANT)


def acts_for_merchant(user: AnyUser | None, merchant_organisation_id: int) -> bool:
    """May ``user`` manage the merchant whose organisation is given? Its members and admins."""
    if not authenticated(user):
        return False
    return is_admin(user) or merchant_organisation_id in merchant_organisations(user)
