"""Premiere tickets: the perk made real, as complimentary tickets through ticketing's services.

Investment staff pick the premiere (:func:`set_premiere_showtime`: a published,
upcoming showtime of the project's film). A backer's premiere
:class:`PerkGrant` then lets them claim up to ``quantity`` tickets for it
(:func:`claim_premiere_tickets`), in one or more claims, each one transaction:

1. the grant's counter, ``claimed = claimed + n WHERE claimed ≤ quantity − n``
   (one conditional UPDATE; the check constraint ``claimed ≤ quantity`` stands
   behind it) — never more than granted, whatever the concurrency;
2. the seats, through ticketing's seat claim (``holds.claim_seats``: one
   conditional UPDATE of the inventory rows) — the seats the backer picked on
   the map, or the best free ones (nearest the middle of the hall);
3. a zero-priced order for the hold, completed by ticketing
   (``fulfilment.complete_order``: sold, paid, signed tickets issued; the
   ledger posts nothing for a free order);
4. a :class:`PremiereClaim` with the caller's idempotency key (unique per
   grant): a repeat returns the first claim and claims nothing more.

Any refusal rolls the whole claim back: no seat, no ticket, no count.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import Conflict, NotFound
from marquee.core.idempotency import MAX_KEY_LENGTH
from marquee.crowdfunding.errors import CrowdfundingError, CrowdfundingErrorCode
from marquee.crowdfunding.models import Offering, PerkGrant, PremiereClaim
from marquee.crowdfunding.services.offerings import require_manager
from marquee.ticketing.models import Order, OrderLine, SeatInventory, Showtime
from marquee.ticketing.services import fulfilment, holds
from marquee.ticketing.services._common import SeatsTaken
from marquee.venues.models import Seat, SeatType

#: How long the claim's hold lives: it is completed in the same transaction.
CLAIM_HOLD = timedelta(minutes=5)
#: Seat kinds best-available picks (couple, wheelchair and companion seats are chosen on the map).
BEST_KINDS = (SeatType.STANDARD, SeatType.VIP)
#: Picks of best-available seats tried before a claim gives up on a busy premiere.
BEST_AVAILABLE_TRIES = 3


def set_premiere_showtime(*, actor: User, offering: Offering, showtime: Showtime) -> Offering:
    """Make ``showtime`` the premiere of ``offering``'s perk (investment staff).

    Raises :class:`PermissionDenied` ``not_investment_staff`` and
    :class:`CrowdfundingError` ``invalid_premiere_showtime`` (not the
    project's film, not published, or already started).
    """
    require_manager(actor)
    if (
        offering.project.title_id is None
        or showtime.title_id != offering.project.title_id
        or showtime.status != Showtime.Status.PUBLISHED
        or showtime.starts_at <= timezone.now()
    ):
        raise CrowdfundingError(
            CrowdfundingErrorCode.INVALID_PREMIERE_SHOWTIME,
            "The premiere must be an upcoming published showtime of the project's film.",
        )
    with transaction.atomic():
        Offering.objects.filter(pk=offering.pk).update(
            premiere_showtime=showtime, updated_at=timezone.now()
        )
    offering.premiere_showtime = showtime
    return offering


def _grant_of(user: User, grant_id: int) -> PerkGrant:
    grant = (
        PerkGrant.objects.select_related("offering__premiere_showtime__venue")
        .filter(pk=grant_id, backer_id=user.pk, kind=PerkGrant.Kind.PREMIERE)
        .first()
    )
    if grant is None:
        raise NotFound(CrowdfundingErrorCode.PERK_NOT_FOUND, f"No premiere perk {grant_id}.")
    return grant


def best_seats(*, showtime: Showtime, count: int, now: datetime) -> list[Seat]:
    """The ``count`` free seats nearest the middle of the hall (a read: the claim decides)."""
    free = list(
        Seat.objects.filter(
            pk__in=SeatInventory.objects.filter(showtime=showtime)
            .filter(holds.claimable(now))
            .values("seat_id"),
            kind__in=BEST_KINDS,
        ).order_by("row", "column")
    )
    if not free:
        return []
    rows = [s.row for s in free]
    cols = [s.column for s in free]
    # Twice the middle, so the distance stays in integers.
    mid_row, mid_col = min(rows) + max(rows), min(cols) + max(cols)
    free.sort(key=lambda s: (abs(2 * s.row - mid_row), abs(2 * s.column - mid_col), s.pk))
    return free[:count]


def claim_premiere_tickets(
    *,
    user: User,
    grant: int,
    count: int | None = None,
    seat_codes: Sequence[str] | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> PremiereClaim:
    """Claim complimentary premiere tickets on ``user``'s premiere perk ``grant``.

    ``seat_codes`` (picked on the seat map) or ``count`` (best available).
    Raises :class:`NotFound` ``perk_not_found``; :class:`Conflict`
    ``premiere_showtime_missing``, ``premiere_not_available``,
    ``premiere_tickets_exhausted`` (``left``), ``premiere_sold_out``, and
    ticketing's ``seats_unavailable``; :class:`CrowdfundingError`
    ``invalid_premiere_count``; what ``holds.resolve_seats`` raises.
    """
    now = now or timezone.now()
    perk = _grant_of(user, grant)
    key = (idempotency_key or "")[:MAX_KEY_LENGTH]
    if key:
        done = PremiereClaim.objects.filter(grant=perk, idempotency_key=key).first()
        if done is not None:
            return done
    showtime = perk.offering.premiere_showtime
    if showtime is None:
        raise Conflict(
            CrowdfundingErrorCode.NO_PREMIERE_SHOWTIME, "The premiere showtime is not set yet."
        )
    if showtime.status != Showtime.Status.PUBLISHED or showtime.starts_at <= now:
        raise Conflict(
            CrowdfundingErrorCode.PREMIERE_NOT_AVAILABLE, "The premiere no longer takes seats."
        )
    if not seat_codes:
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise CrowdfundingError(
                CrowdfundingErrorCode.INVALID_TICKET_COUNT, "Claim at least one ticket."
            )
        if count > perk.unclaimed:
            _raise_left(perk)
    for attempt in range(1, BEST_AVAILABLE_TRIES + 1):
        seats = _seats(showtime=showtime, seat_codes=seat_codes, count=count, now=now)
        if len(seats) > perk.unclaimed:
            _raise_left(perk)
        try:
            return _claim(perk=perk, user=user, showtime=showtime, seats=seats, key=key, now=now)
        except SeatsTaken:
            # Best-available seats another buyer took meanwhile: pick again from what is free.
            if seat_codes or attempt == BEST_AVAILABLE_TRIES:
                holds.raise_unavailable(showtime, seats, now)
        except IntegrityError:
            # The same key won by a concurrent claim: that claim is the answer.
            done = PremiereClaim.objects.filter(grant=perk, idempotency_key=key).first()
            if not key or done is None:
                raise
            return done
    raise AssertionError("unreachable")  # pragma: no cover


def _seats(
    *, showtime: Showtime, seat_codes: Sequence[str] | None, count: int | None, now: datetime
) -> list[Seat]:
    if seat_codes:
        return holds.resolve_seats(showtime=showtime, seat_codes=seat_codes)
    seats = best_seats(showtime=showtime, count=count or 0, now=now)
    if len(seats) < (count or 0):
        raise Conflict(CrowdfundingErrorCode.NO_FREE_SEATS, f"Only {len(seats)} seats are free.")
    return seats


def _claim(
    *, perk: PerkGrant, user: User, showtime: Showtime, seats: list[Seat], key: str, now: datetime
) -> PremiereClaim:
    """One transaction: the grant's count, the seats, the free order and its tickets, the claim."""
    with transaction.atomic():
        if not claim_grant(grant_id=perk.pk, tickets=len(seats)):
            _raise_left(perk)
        order = _comp_order(user=user, showtime=showtime, seats=seats, now=now)
        return PremiereClaim.objects.create(
            grant=perk, order=order, tickets=len(seats), idempotency_key=key
        )


def claim_grant(*, grant_id: int, tickets: int) -> bool:
    """Count ``tickets`` more against the grant: one conditional UPDATE, its row count decides."""
    return (
        PerkGrant.objects.filter(pk=grant_id, claimed__lte=F("quantity") - tickets).update(
            claimed=F("claimed") + tickets
        )
        == 1
    )


def _raise_left(perk: PerkGrant) -> None:
    left = PerkGrant.objects.filter(pk=perk.pk).values_list("quantity", "claimed").first()
    remaining = left[0] - left[1] if left else 0
    raise Conflict(
        CrowdfundingErrorCode.PREMIERE_TICKETS_LEFT,
        f"Only {remaining} premiere tickets are left to claim.",
        left=remaining,
    )


def _comp_order(*, user: User, showtime: Showtime, seats: list[Seat], now: datetime) -> Order:
    """Hold ``seats`` and turn the hold into a paid, zero-priced order with tickets."""
    hold = holds.claim_seats(
        showtime=showtime,
        user=user,
        seat_ids=sorted(s.pk for s in seats),
        expires_at=now + CLAIM_HOLD,
        now=now,
    )
    order = Order.objects.create(
        user=user,
        showtime=showtime,
        hold=hold,
        currency=showtime.currency,
        subtotal_minor=0,
        fees_minor=0,
        total_minor=0,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(order=order, seat=s, seat_type=s.kind, price_minor=0, fee_minor=0)
            for s in sorted(seats, key=lambda s: (s.row, s.column))
        ]
    )
    if not fulfilment.complete_order(order=order, payment_id=None, now=now):
        raise SeatsTaken
    return order
