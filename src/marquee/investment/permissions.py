"""Who may do what with the slate and the waterfalls.

Investment staff (and admins) run the slate, budgets, financing and
waterfalls; a partner reads the participants linked to its own
organisation, and nothing else.
"""

from __future__ import annotations

from marquee.accounts.models import Role
from marquee.accounts.permissions import AnyUser, has_role, organisation_ids, require_role


def can_manage(user: AnyUser | None) -> bool:
    """Investment & production staff and admins run the slate and waterfalls."""
    return user is not None and has_role(user, Role.INVESTMENT)


def require_manage(user: AnyUser) -> None:
    """Refuse (403) anyone but investment staff and admins."""
    require_role(user, Role.INVESTMENT)


def partner_organisations(user: AnyUser | None) -> frozenset[int]:
    """The organisations whose stakes ``user`` may read as a partner."""
    if user is None or not user.is_authenticated:
        return frozenset()
    return organisation_ids(user, Role.PARTNER)


def is_partner(user: AnyUser | None) -> bool:
    return bool(partner_organisations(user))


def can_read_participant(user: AnyUser | None, participant) -> bool:
    """Staff read every statement; a partner only those of its organisation's participants."""
    if can_manage(user):
        return True
    return (
        participant.organisation_id is not None
        and participant.organisation_id in partner_organisations(user)
    )
