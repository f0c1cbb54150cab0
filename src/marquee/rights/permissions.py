"""Who may do what in rights and licensing: rights staff (and administrators) only."""

from __future__ import annotations

from marquee.accounts.models import Role
from marquee.accounts.permissions import AnyUser, has_role, require_role


def can_manage_rights(user: AnyUser | None) -> bool:
    """Deals and avails are read and written by rights staff and administrators."""
    return user is not None and user.is_authenticated and has_role(user, Role.RIGHTS)


def require_rights_staff(user: AnyUser) -> None:
    """Raise ``forbidden`` (403) unless ``user`` is rights staff or an administrator."""
    require_role(user, Role.RIGHTS)
