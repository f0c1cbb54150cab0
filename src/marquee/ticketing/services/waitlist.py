"""The waiting list of a sold-out showtime: join, be offered freed seats, accept or let go.

Seats come back to sale when a ticket is refunded or exchanged, or when a hold
lapses. :func:`offer_freed_seats` hands such seats to the waiters of the
showtime, first come first served: the earliest waiter whose party fits what
is free is offered seats (a waiter whose party does not fit keeps their place
and the next one is served). An offer IS a hold of the seats for the waiter
(``MARQUEE_WAITLIST_OFFER_MINUTES``, default 10): the seats are claimed by the
seat inventory's own conditional ``UPDATE`` (free, or held by a lapsed hold),
so one freed seat is never offered to two waiters, and the entry moves
``waiting → offered`` by a conditional ``UPDATE`` too, so one waiter never
holds two offers. Accepting opens the order for the held seats (and gives the
buyer a whole hold's time to pay); an offer left to lapse frees its seats,
which the next sweep offers to the next waiter.

What calls :func:`offer_freed_seats`: the ``ticketing.waitlist`` outbox
consumer on every refund and exchange (``ticketing/consumers.py``), a declined
offer, and :func:`sweep_waitlists` — run by ``marquee waitlist_sweep`` from
cron or the worker, never by a read (a GET writes nothing: the pages and the
API read lapsed offers and closed lists as the sweep will record them,
``audience_queries.waitlist_status``) — which also catches seats freed by
lapsed holds (hold expiry needs no job, so no event tells of it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.ticketing import queries
from marquee.ticketing.audience_errors import AudienceErrorCode
from marquee.ticketing.audience_queries import offerable_seats
from marquee.ticketing.limits import hold_duration
from marquee.ticketing.models import Hold, Order, SeatInventory, Showtime, WaitlistEntry
from marquee.ticketing.models.audience import MAX_PARTY
from marquee.ticketing.services import holds, orders
from marquee.ticketing.services._common import SeatsTaken
from marquee.venues.models import Seat

logger = logging.getLogger(__name__)


def offer_duration() -> timedelta:
    """How long offered seats stay held for a waiter (``MARQUEE_WAITLIST_OFFER_MINUTES``, 10)."""
    return timedelta(minutes=getattr(settings, "MARQUEE_WAITLIST_OFFER_MINUTES", 10))


def pick_seats(free: list[Seat], party: int) -> list[Seat] | None:
    """``party`` seats of ``free``: side by side in one row if possible, else the first ones.

    ``None`` when fewer than ``party`` are free. ``free`` is in (row, column) order.
    """
    if len(free) < party:
        return None
    for start in range(len(free) - party + 1):
        run = free[start : start + party]
        if all(s.row == run[0].row for s in run) and all(
            b.column - a.column == 1 for a, b in pairwise(run)
        ):
            return run
    return free[:party]


def _on_sale(showtime: Showtime, now: datetime) -> bool:
    return queries.sale_state(showtime, now).on_sale


def join_waitlist(
    *, showtime: Showtime, user: User, party_size: int = 1, now: datetime | None = None
) -> WaitlistEntry:
    """Put ``user`` on ``showtime``'s waiting list for ``party_size`` seats.

    Only a showtime that sells now and has fewer free seats than the party
    has a list. Raises :class:`DomainError` ``waitlist_party_size``,
    :class:`Conflict` ``waitlist_closed``, ``waitlist_not_sold_out``,
    ``waitlist_already_joined``.
    """
    now = now or timezone.now()
    if isinstance(party_size, bool) or not isinstance(party_size, int):
        party_size = 0
    if not 1 <= party_size <= MAX_PARTY:
        raise DomainError(
            AudienceErrorCode.WAITLIST_PARTY_SIZE,
            f"Ask for 1 to {MAX_PARTY} seats.",
            max=MAX_PARTY,
        )
    if not _on_sale(showtime, now):
        raise Conflict(AudienceErrorCode.WAITLIST_CLOSED, "This showtime does not sell now.")
    if len(offerable_seats(showtime, now)) >= party_size:
        raise Conflict(
            AudienceErrorCode.WAITLIST_NOT_SOLD_OUT, "This showtime still has free seats."
        )
    try:
        with transaction.atomic():
            # An offer of ours that ran out is lapsed, not open, though no sweep recorded it yet.
            _record_lapsed(now, showtime=showtime, user=user)
            return WaitlistEntry.objects.create(
                showtime=showtime, user=user, party_size=party_size, joined_at=now
            )
    except IntegrityError as exc:
        raise Conflict(
            AudienceErrorCode.WAITLIST_ALREADY_JOINED, "Already on this waiting list."
        ) from exc


def entry_of(*, entry_id: int, user: User) -> WaitlistEntry:
    """``user``'s own entry; :class:`NotFound` ``waitlist_entry_not_found`` otherwise."""
    entry = (
        WaitlistEntry.objects.select_related("showtime__venue", "showtime__title", "hold")
        .filter(pk=entry_id, user_id=user.pk)
        .first()
    )
    if entry is None:
        raise NotFound(AudienceErrorCode.WAITLIST_ENTRY_NOT_FOUND, f"No entry {entry_id} of yours.")
    return entry


def leave_waitlist(*, entry_id: int, user: User, now: datetime | None = None) -> WaitlistEntry:
    """Take ``user`` off the list; an open offer is declined (its seats go to the next waiter).

    Raises :class:`NotFound` ``waitlist_entry_not_found`` and :class:`Conflict`
    ``waitlist_not_waiting``.
    """
    now = now or timezone.now()
    entry = entry_of(entry_id=entry_id, user=user)
    if entry.current_status(now) == WaitlistEntry.Status.OFFERED:
        return decline_offer(entry_id=entry_id, user=user, now=now)
    changed = WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.WAITING).update(
        status=WaitlistEntry.Status.LEFT, ended_at=now
    )
    if changed != 1:
        raise Conflict(AudienceErrorCode.WAITLIST_NOT_WAITING, "Not waiting on this list.")
    entry.refresh_from_db()
    return entry


def _record_lapsed(now: datetime, **where: object) -> None:
    """Mark the offers (of ``where``) whose time ran out ``lapsed``: one conditional UPDATE."""
    WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now, **where
    ).update(status=WaitlistEntry.Status.LAPSED, ended_at=now)


@dataclass(frozen=True)
class Offer:
    """Seats held for a waiter."""

    entry: WaitlistEntry
    hold: Hold
    seats: list[Seat]


def offer_freed_seats(*, showtime_id: int, now: datetime | None = None) -> list[Offer]:
    """Offer the showtime's free seats to its waiters, first come first served.

    Closes the list of a showtime that no longer sells, records lapsed offers,
    then offers seats to every waiter whose party fits, in the order they
    joined. Safe to call at any time and from any number of processes at once:
    each offer is its own transaction whose seat claim and entry transition
    are conditional UPDATEs (a lost race rolls that offer back and the seats
    are read anew). Returns the offers made.
    """
    now = now or timezone.now()
    showtime = Showtime.objects.select_related("hall").filter(pk=showtime_id).first()
    if showtime is None:
        return []
    if not _on_sale(showtime, now):
        WaitlistEntry.objects.filter(showtime=showtime, status=WaitlistEntry.Status.WAITING).update(
            status=WaitlistEntry.Status.CLOSED, ended_at=now
        )
        return []
    _record_lapsed(now, showtime=showtime)
    waiters = list(
        WaitlistEntry.objects.filter(showtime=showtime, status=WaitlistEntry.Status.WAITING)
        .select_related("user")
        .order_by("joined_at", "pk")
    )
    if not waiters:
        return []
    made: list[Offer] = []
    free = offerable_seats(showtime, now)
    for entry in waiters:
        for _attempt in range(3):
            seats = pick_seats(free, entry.party_size)
            if seats is None:
                break
            offer = _offer(entry=entry, showtime=showtime, seats=seats, now=now)
            if offer is not None:
                made.append(offer)
                taken = {s.pk for s in seats}
                free = [s for s in free if s.pk not in taken]
                break
            # Another sweep was quicker: read what is left, and whether this waiter still waits.
            free = offerable_seats(showtime, now)
            if not WaitlistEntry.objects.filter(
                pk=entry.pk, status=WaitlistEntry.Status.WAITING
            ).exists():
                break
    return made


def _offer(
    *, entry: WaitlistEntry, showtime: Showtime, seats: list[Seat], now: datetime
) -> Offer | None:
    """Hold ``seats`` for ``entry``'s waiter and mark the entry offered, or change nothing."""
    seat_ids = sorted(s.pk for s in seats)
    expires_at = now + offer_duration()
    try:
        with transaction.atomic():
            hold = holds.claim_seats(
                showtime=showtime,
                user=entry.user,
                seat_ids=seat_ids,
                expires_at=expires_at,
                now=now,
            )
            moved = WaitlistEntry.objects.filter(
                pk=entry.pk, status=WaitlistEntry.Status.WAITING
            ).update(
                status=WaitlistEntry.Status.OFFERED,
                hold=hold,
                offered_at=now,
                offer_expires_at=expires_at,
            )
            if moved != 1:
                raise SeatsTaken
    except SeatsTaken:
        return None
    entry.status = WaitlistEntry.Status.OFFERED
    entry.hold = hold
    entry.offered_at = now
    entry.offer_expires_at = expires_at
    logger.info("waitlist entry %s offered %s seats", entry.pk, len(seat_ids))
    return Offer(entry=entry, hold=hold, seats=sorted(seats, key=lambda s: (s.row, s.column)))


def accept_offer(*, entry_id: int, user: User, now: datetime | None = None) -> Order:
    """Open the pending order for the seats offered to ``user`` (then pay it as any order).

    The hold is stretched to a whole hold's time from now, so accepting late
    in the offer still leaves time to pay. Raises :class:`NotFound`
    ``waitlist_entry_not_found`` and :class:`Conflict` ``waitlist_no_offer``
    (lapsed, accepted or declined already), and what ``orders.place_order`` raises.
    """
    now = now or timezone.now()
    entry = entry_of(entry_id=entry_id, user=user)
    with transaction.atomic():
        moved = WaitlistEntry.objects.filter(
            pk=entry.pk, status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now
        ).update(status=WaitlistEntry.Status.ACCEPTED, ended_at=now)
        if moved != 1 or entry.hold_id is None:
            raise Conflict(AudienceErrorCode.WAITLIST_NO_OFFER, "No offer to accept.")
        until = max(entry.offer_expires_at or now, now + hold_duration())
        # The hold is live and ours (the offer had not lapsed): stretching it takes nothing.
        SeatInventory.objects.filter(hold_id=entry.hold_id, state=SeatInventory.State.HELD).update(
            hold_expires_at=until
        )
        Hold.objects.filter(pk=entry.hold_id, status=Hold.Status.ACTIVE).update(expires_at=until)
        return orders.place_order(hold=entry.hold_id, user=user, now=now).order


def decline_offer(*, entry_id: int, user: User, now: datetime | None = None) -> WaitlistEntry:
    """Give the offered seats back; the next waiter is offered them at once.

    Raises :class:`NotFound` ``waitlist_entry_not_found`` and :class:`Conflict`
    ``waitlist_no_offer``.
    """
    now = now or timezone.now()
    entry = entry_of(entry_id=entry_id, user=user)
    with transaction.atomic():
        moved = WaitlistEntry.objects.filter(
            pk=entry.pk, status=WaitlistEntry.Status.OFFERED, offer_expires_at__gt=now
        ).update(status=WaitlistEntry.Status.DECLINED, ended_at=now)
        if moved != 1 or entry.hold is None:
            raise Conflict(AudienceErrorCode.WAITLIST_NO_OFFER, "No offer to decline.")
        holds.release_hold(hold=entry.hold, user=user)
    offer_freed_seats(showtime_id=entry.showtime_id, now=now)
    entry.refresh_from_db()
    return entry


def sweep_waitlists(*, user: User | None = None, now: datetime | None = None) -> int:
    """:func:`offer_freed_seats` for every showtime with open entries (``user``'s only, if given).

    Returns the number of offers made. Seats freed by lapsed holds are found
    here: a lapsed hold's seats claim as free.
    """
    now = now or timezone.now()
    open_entries = WaitlistEntry.objects.filter(status__in=WaitlistEntry.OPEN_STATUSES)
    if user is not None:
        open_entries = open_entries.filter(user_id=user.pk)
    showtime_ids = sorted(set(open_entries.values_list("showtime_id", flat=True)))
    return sum(len(offer_freed_seats(showtime_id=pk, now=now)) for pk in showtime_ids)
