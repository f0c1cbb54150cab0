"""Reads shared by the API, the pages and the admin: offerings (public), pledges (their backer's).

Offerings are public: fans see every offering with its progress. A pledge is
seen by its backer (and admins acting for them); an offering's backers and
return quotes by investment staff and admins.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from marquee.accounts.models import User
from marquee.accounts.permissions import AnyUser
from marquee.core.errors import NotFound, PermissionDenied
from marquee.crowdfunding.errors import CrowdfundingErrorCode
from marquee.crowdfunding.models import Offering, PerkGrant, Pledge, ReturnRun
from marquee.crowdfunding.permissions import can_manage_offerings, can_read_pledge

#: What every offering read needs: no query per row for the project, its title or the tiers.
_OFFERING_RELATED = ("project", "project__title")

PHASES = ("upcoming", "open", "closed")


def offerings(*, phase: str | None = None, now: datetime) -> QuerySet[Offering]:
    """Every offering (public), soonest closing first; ``phase`` filters upcoming/open/closed."""
    rows = Offering.objects.select_related(*_OFFERING_RELATED).prefetch_related("bonus_tiers")
    if phase == "upcoming":
        rows = rows.filter(status=Offering.Status.ACTIVE, opens_at__gt=now)
    elif phase == "open":
        rows = rows.filter(status=Offering.Status.ACTIVE, opens_at__lte=now, closes_at__gt=now)
    elif phase == "closed":
        rows = rows.filter(~Q(status=Offering.Status.ACTIVE) | Q(closes_at__lte=now))
    return rows.order_by("closes_at", "pk")


def offering(offering_id: int) -> Offering:
    """One offering by id; :class:`NotFound` ``offering_not_found``."""
    found = (
        Offering.objects.select_related(*_OFFERING_RELATED)
        .prefetch_related("bonus_tiers")
        .filter(pk=offering_id)
        .first()
    )
    if found is None:
        raise NotFound(CrowdfundingErrorCode.OFFERING_NOT_FOUND, f"No offering {offering_id}.")
    return found


def offering_by_slug(slug: str) -> Offering:
    found = (
        Offering.objects.select_related(*_OFFERING_RELATED)
        .prefetch_related("bonus_tiers")
        .filter(slug=slug)
        .first()
    )
    if found is None:
        raise NotFound(CrowdfundingErrorCode.OFFERING_NOT_FOUND, f"No offering {slug!r}.")
    return found


def offerings_for_title(title_id: int) -> list[Offering]:
    """The offerings of the projects of a catalog title (the film page's crowdfunding box)."""
    return list(
        Offering.objects.select_related(*_OFFERING_RELATED)
        .filter(project__title_id=title_id)
        .order_by("-closes_at", "pk")[:5]
    )


def pledges_of(user: AnyUser, *, limit: int = 100, offset: int = 0) -> list[Pledge]:
    """``user``'s own pledges, newest first (nothing for anonymous)."""
    if not user.is_authenticated:
        return []
    return list(
        Pledge.objects.filter(backer_id=user.pk)
        .select_related("offering", "offering__project")
        .order_by("-created_at", "-pk")[offset : offset + limit]
    )


def pledge_for_owner_or_admin(user: AnyUser, pledge_id: int) -> Pledge:
    """The pledge if ``user`` is its backer or an admin; else :class:`NotFound` (no hint)."""
    pledge = (
        Pledge.objects.select_related("offering", "offering__project").filter(pk=pledge_id).first()
    )
    if pledge is None or not can_read_pledge(user, pledge.backer_id):
        raise NotFound(CrowdfundingErrorCode.PLEDGE_NOT_FOUND, f"No pledge {pledge_id} of yours.")
    return pledge


def perks_of(user: AnyUser) -> list[PerkGrant]:
    if not user.is_authenticated:
        return []
    return list(
        PerkGrant.objects.filter(backer_id=user.pk)
        .select_related("offering", "invitation", "invitation__round")
        .order_by("-created_at", "pk")
    )


def require_manager(user: AnyUser) -> None:
    if not can_manage_offerings(user):
        raise PermissionDenied(
            CrowdfundingErrorCode.NOT_INVESTMENT_STAFF,
            "Crowdfunding offerings are managed by investment staff.",
        )


def backers(user: AnyUser, offering: Offering) -> list[Pledge]:
    """Every pledge of ``offering`` (investment staff and admins), oldest first."""
    require_manager(user)
    return list(
        Pledge.objects.filter(offering=offering)
        .select_related("backer", "offering", "offering__project")
        .order_by("created_at", "pk")
    )


def account(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def return_run(offering: Offering) -> ReturnRun | None:
    """The returns paid for ``offering``, if they were."""
    return ReturnRun.objects.select_related("offering").filter(offering=offering).first()
