"""Who may edit the catalog: distribution & marketing staff and administrators."""

from __future__ import annotations

from marquee.accounts.models import Role
from marquee.accounts.permissions import AnyUser, has_role, require_role

#: The roles that may create and change titles, companies and genres.
CATALOG_EDITOR_ROLES = (Role.DISTRIBUTION,)


def can_edit_catalog(user: AnyUser | None) -> bool:
    """True for distribution staff and administrators (``has_role`` lets admins pass)."""
    return user is not None and has_role(user, *CATALOG_EDITOR_ROLES)


def require_catalog_editor(user: AnyUser) -> None:
    """Raise :class:`~marquee.core.errors.PermissionDenied` unless ``user`` may edit the catalog."""
    require_role(user, *CATALOG_EDITOR_ROLES)
