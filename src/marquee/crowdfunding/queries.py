"""Reads shared by the API, the pages and the admin: offerings (public), pledges (their backer's).

Offerings are public: fans see every offering with its progress. A pledge is
seen by its backer (and admins acting for them); an offering's backers and
return quotes by investment staff and admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from marquee.accounts.models import User
from marquee.accounts.permissions import AnyUser
from marquee.core.errors import NotFound, PermissionDenied
from marquee.core.money import Money
from marquee.crowdfunding.errors import CrowdfundingErrorCode
from marquee.crowdfunding.models import (
    Offering,
    PerkGrant,
    Pledge,
    PremiereClaim,
    ReturnPayout,
    ReturnRun,
)
from marquee.crowdfunding.permissions import can_manage_offerings, can_read_pledge
from marquee.investment.models import Participant

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


@dataclass(frozen=True)
class PoolReceipts:
    """What the offering's crowdfunding pool has received from the project's waterfall."""

    participant_id: int
    name: str
    currency: str
    received_minor: int
    lines: list[dict[str, Any]]

    @property
    def received(self) -> Money:
        return Money(self.received_minor, self.currency)


def pool_receipts(offering: Offering) -> PoolReceipts | None:
    """The waterfall statement of ``offering``'s pool participant, when one is linked."""
    if offering.pool_participant_id is None:
        return None
    from marquee.investment.queries import statement

    participant = Participant.objects.select_related("project").get(pk=offering.pool_participant_id)
    found = statement(participant, limit=20)
    return PoolReceipts(
        participant_id=participant.pk,
        name=participant.name,
        currency=found.currency,
        received_minor=found.total_minor,
        lines=found.lines,
    )


def return_payouts_of(user: AnyUser) -> list[ReturnPayout]:
    """``user``'s shares of paid returns with their payouts, newest first."""
    if not user.is_authenticated:
        return []
    return list(
        ReturnPayout.objects.filter(backer_id=user.pk)
        .select_related("run__offering", "payout")
        .order_by("-run__created_at", "-pk")
    )


def my_return_payout(user: AnyUser, share_id: int) -> ReturnPayout:
    """``user``'s own share of paid returns; :class:`NotFound` ``return_payout_not_found`` otherwise."""
    found = next((s for s in return_payouts_of(user) if s.pk == share_id), None)
    if found is None:
        raise NotFound(CrowdfundingErrorCode.RETURN_PAYOUT_NOT_FOUND, f"No share {share_id}.")
    return found


def return_payouts(user: AnyUser, run: ReturnRun) -> list[ReturnPayout]:
    """Every share of ``run`` with its payout (investment staff and admins)."""
    require_manager(user)
    return list(run.payouts.select_related("backer", "payout").order_by("backer_id"))


def premiere_perks_of(user: AnyUser) -> list[PerkGrant]:
    """``user``'s premiere perks with their showtime (claims are counted on the grant)."""
    if not user.is_authenticated:
        return []
    return list(
        PerkGrant.objects.filter(backer_id=user.pk, kind=PerkGrant.Kind.PREMIERE)
        .select_related("offering__premiere_showtime__venue", "offering__premiere_showtime__title")
        .order_by("-created_at", "pk")
    )


def premiere_claims_of(user: AnyUser) -> list[PremiereClaim]:
    if not user.is_authenticated:
        return []
    return list(
        PremiereClaim.objects.filter(grant__backer_id=user.pk)
        .select_related("grant", "order")
        .order_by("-created_at", "-pk")
    )


def return_payout(user: AnyUser, share_id: int) -> ReturnPayout:
    """One share of paid returns (investment staff); :class:`NotFound` ``return_payout_not_found``."""
    require_manager(user)
    found = (
        ReturnPayout.objects.select_related("run__offering", "payout").filter(pk=share_id).first()
    )
    if found is None:
        raise NotFound(CrowdfundingErrorCode.RETURN_PAYOUT_NOT_FOUND, f"No share {share_id}.")
    return found


def pool_candidate(user: AnyUser, participant_id: int) -> Participant:
    """A waterfall participant to link as a pool (investment staff); 404 ``invalid_pool_participant``."""
    require_manager(user)
    found = Participant.objects.filter(pk=participant_id).first()
    if found is None:
        raise NotFound(CrowdfundingErrorCode.INVALID_POOL, f"No participant {participant_id}.")
    return found


def premiere_perk(user: AnyUser, grant_id: int) -> PerkGrant:
    """``user``'s own premiere perk; :class:`NotFound` ``perk_not_found`` for anyone else's."""
    found = next((g for g in premiere_perks_of(user) if g.pk == grant_id), None)
    if found is None:
        raise NotFound(CrowdfundingErrorCode.PERK_NOT_FOUND, f"No premiere perk {grant_id}.")
    return found


def premiere_candidates(offering: Offering, *, now: datetime) -> list[Any]:
    """Upcoming published showtimes of the offering's film, soonest first (the premiere picker)."""
    from marquee.ticketing.models import Showtime

    if offering.project.title_id is None:
        return []
    return list(
        Showtime.objects.filter(
            title_id=offering.project.title_id,
            status=Showtime.Status.PUBLISHED,
            starts_at__gt=now,
        )
        .select_related("venue")
        .order_by("starts_at", "pk")[:50]
    )


def pool_candidates(offering: Offering) -> list[Participant]:
    """The project's crowdfunding-pool participants (the pool picker)."""
    return list(
        Participant.objects.filter(
            project_id=offering.project_id, kind=Participant.Kind.CROWDFUNDING
        ).order_by("name", "pk")
    )
