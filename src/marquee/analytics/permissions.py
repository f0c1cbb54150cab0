"""Who reads which box office: distribution staff and admins all of it, operators their own.

A cinema operator's reads are scoped to the venues of the chains whose
organisation they operate; a moviegoer reads only their own recommendations.
"""

from __future__ import annotations

from marquee.accounts.models import Role
from marquee.accounts.permissions import AnyUser, has_role, require_role
from marquee.analytics.queries.common import Scope
from marquee.core.errors import CoreErrorCode, PermissionDenied
from marquee.venues import queries as venue_queries
from marquee.venues.models import Venue


def reads_everything(user: AnyUser | None) -> bool:
    """Distribution (and marketing) staff and admins read every title and venue."""
    return user is not None and has_role(user, Role.DISTRIBUTION)


def scope_of(user: AnyUser | None) -> Scope:
    """The venues whose figures ``user`` may read: ``None`` for all.

    Raises :class:`PermissionDenied` for anyone who is neither distribution
    staff, an admin nor a cinema operator.
    """
    if reads_everything(user):
        return None
    orgs = venue_queries.operated_organisation_ids(user)
    if user is None or not user.is_authenticated or not orgs:
        raise PermissionDenied(
            CoreErrorCode.FORBIDDEN, "Box office is for distribution staff and cinema operators."
        )
    return frozenset(
        Venue.objects.filter(chain__organisation_id__in=orgs).values_list("pk", flat=True)
    )


def require_distribution(user: AnyUser | None) -> None:
    """Refuse (403) anyone but distribution staff and admins (forecasts, national totals)."""
    if user is None:
        raise PermissionDenied(CoreErrorCode.FORBIDDEN, "Not signed in.")
    require_role(user, Role.DISTRIBUTION)
