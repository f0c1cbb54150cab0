"""Who may do what in ticketing: schedule showtimes, plan rounds, check in, read settlements.

Services call these before they write; queries use them to scope what a user sees.
"""

from __future__ import annotations

from marquee.accounts.models import Role
from marquee.accounts.permissions import AnyUser, has_role
from marquee.venues import queries as venue_queries
from marquee.venues.models import Venue


def authenticated(user: AnyUser | None) -> bool:
    """A signed-in user (``None`` and anonymous users are not)."""
    return user is not None and user.is_authenticated


def can_schedule_at(user: AnyUser | None, venue: Venue) -> bool:
    """May ``user`` create, publish or cancel showtimes at ``venue``?

    The venue chain's cinema operators, distribution staff and admins may.
    """
    if not authenticated(user):
        return False
    return has_role(user, Role.DISTRIBUTION) or venue_queries.can_manage_venue(user, venue)


def can_plan_rounds(user: AnyUser | None) -> bool:
    """Pre-sale rounds and invitations are planned by distribution staff (and admins)."""
    return authenticated(user) and has_role(user, Role.DISTRIBUTION)


def can_check_in(user: AnyUser | None, venue: Venue) -> bool:
    """May ``user`` scan tickets at ``venue``'s doors? Its chain's cinema operators and admins."""
    return authenticated(user) and venue_queries.can_manage_venue(user, venue)


def can_view_settlement(user: AnyUser | None, venue: Venue) -> bool:
    """May ``user`` read ``venue``'s settlement? Its operators, distribution staff and admins."""
    return authenticated(user) and (
        has_role(user, Role.DISTRIBUTION) or venue_queries.can_manage_venue(user, venue)
    )
