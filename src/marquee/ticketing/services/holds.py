"""Seat holds: claim seats of a showtime for a few minutes, release them, let them lapse.

The claim is ONE conditional UPDATE over the showtime's inventory rows::

    UPDATE seat_inventory SET state='held', hold_id=…, hold_expires_at=…
     WHERE showtime_id=… AND seat_id IN (…)
       AND (state='free' OR (state='held' AND hold_expires_at <= now))

and the number of rows it changed decides: all requested seats, or the whole
transaction rolls back and nothing is held. An expired hold's seats satisfy
the condition, so expiry needs no background job. The same code runs on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.ticketing import queries, seatmap
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.limits import (
    hold_duration,
    max_held_seats_per_showtime,
    max_seats_per_order,
)
from marquee.ticketing.models import (
    Hold,
    HoldQuota,
    HoldSeat,
    Order,
    PresaleRound,
    SeatInventory,
    Showtime,
)
from marquee.ticketing.services import rounds, waiting_room
from marquee.ticketing.services._common import (
    Guard,
    SeatsTaken,
    guarded,
    lock_inventory,
    update_inventory,
)
from marquee.venues.models import Hall, Seat, SeatType, parse_seat_code, seat_code

logger = logging.getLogger(__name__)


def claimable(now: datetime) -> Q:
    """Inventory rows a new hold may take at ``now``: free, or held by an expired hold."""
    return Q(state=SeatInventory.State.FREE) | Q(
        state=SeatInventory.State.HELD, hold_expires_at__lte=now
    )


def resolve_seats(*, showtime: Showtime, seat_codes: Sequence[str]) -> list[Seat]:
    """The hall's seats for ``seat_codes``, checked against the hold rules.

    1 to ``MARQUEE_MAX_SEATS_PER_ORDER`` distinct seats of the showtime's hall;
    a couple seat only together with its partner. Raises :class:`DomainError`
    ``no_seats``, ``too_many_seats``, ``duplicate_seats``, ``unknown_seats``,
    ``couple_seat_alone``.
    """
    limit = max_seats_per_order()
    codes = [c.strip() if isinstance(c, str) else c for c in seat_codes]
    if not codes:
        raise DomainError(TicketingErrorCode.NO_SEATS, "Choose at least one seat.")
    if len(codes) > limit:
        raise DomainError(
            TicketingErrorCode.TOO_MANY_SEATS,
            f"One order holds at most {limit} seats; you chose {len(codes)}.",
            max_seats=limit,
        )
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise DomainError(
            TicketingErrorCode.DUPLICATE_SEATS,
            "Each seat once, please: " + ", ".join(duplicates) + ".",
            seats=duplicates,
        )
    parsed = {c: parse_seat_code(c) for c in codes}
    unknown = sorted(str(c) for c, p in parsed.items() if p is None)
    wanted = [p for p in parsed.values() if p is not None]
    # The showtime's hall: read with it by every caller here (select_related), else one query.
    seats = _seats_by_code(showtime.hall, wanted) if wanted else []
    found = {s.code for s in seats}
    unknown += sorted(c for c, p in parsed.items() if p is not None and c not in found)
    if unknown:
        raise DomainError(
            TicketingErrorCode.UNKNOWN_SEATS,
            "No such seats in this hall: "
            + ", ".join(sorted(unknown))
            + ". Seat codes look like 5-8.",
            seats=sorted(unknown),
        )
    chosen = {s.pk for s in seats}
    alone = [
        s
        for s in seats
        if s.kind == SeatType.COUPLE and s.partner_id and s.partner_id not in chosen
    ]
    if alone:
        partners = {
            pk: seat_code(r, n)
            for pk, r, n in Seat.objects.filter(pk__in=[s.partner_id for s in alone])
            .order_by()
            .values_list("pk", "row_label", "number")
        }
        pairs = [f"{s.code} with {partners.get(s.partner_id, '?')}" for s in alone]
        raise DomainError(
            TicketingErrorCode.COUPLE_SEAT_ALONE,
            "Couple seats are sold as a pair: choose " + "; ".join(pairs) + ".",
            seats=sorted(s.code for s in alone),
            partners=sorted(partners.values()),
        )
    return sorted(seats, key=lambda s: (s.row, s.column))


def _seats_by_code(hall: Hall, wanted: list[tuple[str, str]]) -> list[Seat]:
    """The seats of ``hall`` among ``wanted`` (row label, number) pairs; unknown ones are left out.

    From the hall's cached seats (:func:`seatmap.hall_seat_rows`, keyed by its
    layout version and seat count): no query once the hall's seats are cached.
    """
    index = seatmap.hall_seat_rows(hall.pk, hall.layout_version, hall.seat_count)
    rows = [index.get(seat_code(r, n)) for r, n in wanted]
    return [Seat.from_db("default", seatmap.SEAT_FIELDS, row) for row in rows if row is not None]


def check_on_sale(showtime: Showtime, now: datetime) -> None:
    """Raise :class:`Conflict` ``showtime_not_on_sale`` / ``showtime_started`` unless it sells now.

    "Sells now" is :func:`queries.sale_state`'s ``on_sale``.
    """
    if queries.sale_state(showtime, now).on_sale:
        return
    if showtime.status != Showtime.Status.PUBLISHED:
        raise Conflict(
            TicketingErrorCode.SHOWTIME_NOT_ON_SALE,
            f"This showtime is {showtime.status}; it does not sell tickets.",
            status_now=showtime.status,
        )
    raise Conflict(TicketingErrorCode.SHOWTIME_STARTED, "This showtime has already started.")


@dataclass(frozen=True)
class PlacedHold:
    """A new hold with the seats it holds, in display order (row, column)."""

    hold: Hold
    seats: list[Seat]


def place_hold(
    *,
    showtime: Showtime,
    seat_codes: Sequence[str],
    user: User,
    invitation_code: str | None = None,
    now: datetime | None = None,
) -> PlacedHold:
    """Hold the seats ``seat_codes`` of ``showtime`` for ``user`` for ``MARQUEE_HOLD_MINUTES``.

    All or nothing: when any seat is not free (an expired hold counts as free)
    the whole hold fails, nothing is held, and :class:`Conflict`
    ``seats_unavailable`` lists the seats. Before general sale opens the hold
    needs an open pre-sale round (see :func:`rounds.sale_terms`) and counts
    against its per-account limit. The account may hold at most
    ``MARQUEE_MAX_HELD_SEATS_PER_SHOWTIME`` seats of the showtime at once
    (:func:`require_held_seats_within_cap`), and none while one of its orders
    for the showtime waits for payment (``pending_order_exists``). Also
    raises what :func:`resolve_seats` and :func:`rounds.sale_terms` raise,
    :class:`Conflict` ``showtime_not_on_sale``, ``showtime_started``,
    ``held_seats_limit``, ``pending_order_exists``, ``round_limit_exceeded``,
    ``invitation_used_up``, and for a showtime with a waiting room whose line
    ``user`` has not reached the front yet,
    :class:`waiting_room.InWaitingRoom` (429 ``in_waiting_room``).

    ``now`` is the instant the hold is taken at (default: the clock); only the
    demo's replayed history and tests pass it — never the API.
    """
    now = now or timezone.now()
    check_on_sale(showtime, now)
    waiting_room.require_admission(showtime=showtime, user=user, now=now)
    seats = resolve_seats(showtime=showtime, seat_codes=seat_codes)
    terms = rounds.sale_terms(
        showtime=showtime, user=user, invitation_code=invitation_code, now=now
    )
    seat_ids = sorted(s.pk for s in seats)
    expires_at = now + hold_duration()
    try:
        with transaction.atomic():
            hold = claim_seats(
                showtime=showtime,
                user=user,
                seat_ids=seat_ids,
                expires_at=expires_at,
                now=now,
                presale=terms.round,
            )
            require_held_seats_within_cap(
                showtime=showtime, user=user, seats=len(seat_ids), now=now
            )
            waiting_room.leave(showtime=showtime, user=user)  # seats in hand: next, please
            if terms.round is not None:
                if terms.invitation is not None:
                    rounds.redeem_invitation(invitation=terms.invitation, user=user)
                rounds.reserve_allowance(
                    presale=terms.round, user=user, seats=len(seat_ids), now=now
                )
    except SeatsTaken:
        raise_unavailable(showtime, seats, now)
    return PlacedHold(hold=hold, seats=seats)


def claim_seats(
    *,
    showtime: Showtime,
    user: User,
    seat_ids: list[int],
    expires_at: datetime,
    now: datetime,
    presale: PresaleRound | None = None,
) -> Hold:
    """Write a hold of ``seat_ids`` and claim their inventory rows for it, or raise ``SeatsTaken``.

    Call inside the caller's transaction (it rolls back on ``SeatsTaken``). The
    claim is one conditional UPDATE of the inventory rows: the row count decides
    (every seat claimable at ``now``), so two holds never get one seat. Seat ids
    come sorted (the lock order).
    """
    hold = Hold.objects.create(
        showtime=showtime,
        user=user,
        round=presale,
        seat_count=len(seat_ids),
        expires_at=expires_at,
    )
    HoldSeat.objects.bulk_create([HoldSeat(hold=hold, seat_id=pk) for pk in seat_ids])
    rows = SeatInventory.objects.filter(showtime=showtime, seat_id__in=seat_ids)
    where = claimable(now)
    if not guarded(Guard.SEAT_CLAIM):  # race-test control: decide on a read
        if rows.filter(where).count() != len(seat_ids):
            raise SeatsTaken
        where = Q()
    claimed = update_inventory(
        rows,
        where=where,
        state=SeatInventory.State.HELD,
        hold=hold,
        hold_expires_at=expires_at,
    )
    if claimed != len(seat_ids):
        raise SeatsTaken
    return hold


def _lock_quota(*, showtime: Showtime, user: User, now: datetime) -> None:
    """Write (and so lock) ``user``'s :class:`HoldQuota` row of ``showtime``: the account's
    holds and orders of the showtime queue here (off only in the race tests' control)."""
    if guarded(Guard.HELD_SEATS_CAP):
        # INSERT … ON CONFLICT DO UPDATE: the new or existing row, locked, in one statement.
        HoldQuota.objects.bulk_create(
            [HoldQuota(showtime=showtime, user=user, last_hold_at=now)],
            update_conflicts=True,
            unique_fields=["showtime", "user"],
            update_fields=["last_hold_at"],
        )


def require_held_seats_within_cap(
    *, showtime: Showtime, user: User, seats: int, now: datetime
) -> None:
    """Refuse a hold that takes ``user`` past the cap of seats held at once in ``showtime``.

    Call inside the hold's transaction, after its seats were claimed and its
    ``Hold`` row written (lock order: inventory → holds → this account's
    :class:`HoldQuota` row). Writing the quota row (one upsert) queues
    concurrent holds of one account for one showtime; the count of its active,
    unexpired held seats (the new hold included) is read after that lock, so it
    sees every hold committed before, and the cap holds under any concurrency.
    The same read refuses the hold while a live hold of the account has a
    pending order (:func:`raise_pending_order`). Raises :class:`Conflict`
    ``pending_order_exists`` or ``held_seats_limit`` (the caller's transaction
    then rolls back, holding nothing).
    """
    cap = max_held_seats_per_showtime()
    _lock_quota(showtime=showtime, user=user, now=now)
    live = Hold.objects.filter(
        showtime=showtime, user=user, status=Hold.Status.ACTIVE, expires_at__gt=now
    ).aggregate(
        seats=Sum("seat_count"),
        # The same read finds a pending order of a live hold: one order to pay at a time.
        pending=Max("order__pk", filter=Q(order__status=Order.Status.PENDING)),
    )
    if live["pending"] is not None:
        raise_pending_order(live["pending"])
    held = live["seats"] or 0
    if held > cap:
        raise Conflict(
            TicketingErrorCode.HELD_SEATS_LIMIT,
            f"One account may hold at most {cap} seats of a showtime at once; you hold "
            f"{held - seats} and asked for {seats} more. Pay for or release a hold first.",
            limit=cap,
            held=held - seats,
            requested=seats,
        )


def raise_pending_order(order_id: int) -> None:
    """Refuse new seats while the account has an unpaid order for the showtime.

    A buyer who comes back to the map with an order waiting for payment is sent
    on to pay (or cancel) it rather than building a second order beside it:
    two pending orders of one showtime block twice the seats and end in one
    paid and one lapsed order at best. Raises :class:`Conflict`
    ``pending_order_exists`` with the order's id.
    """
    raise Conflict(
        TicketingErrorCode.PENDING_ORDER_EXISTS,
        f"You already have order {order_id} waiting for payment for this showtime; pay for "
        "it or cancel it before choosing other seats.",
        order_id=order_id,
    )


def require_no_other_pending_order(
    *, showtime: Showtime, user: User, hold: Hold, now: datetime
) -> None:
    """Refuse to open an order for ``hold`` while another live order of ``user`` waits for payment.

    Call inside the order's transaction after the hold was locked (lock order:
    holds → this account's :class:`HoldQuota` row). Writing the quota row queues
    the account's holds and orders of the showtime, so two checkouts racing
    past :func:`place_hold` (neither had an order yet) cannot both open one.
    Raises :class:`Conflict` ``pending_order_exists``.
    """
    _lock_quota(showtime=showtime, user=user, now=now)
    other = (
        Order.objects.filter(
            showtime=showtime,
            user=user,
            status=Order.Status.PENDING,
            hold__status=Hold.Status.ACTIVE,
            hold__expires_at__gt=now,
        )
        .exclude(hold=hold)
        .order_by()
        .values_list("pk", flat=True)
        .first()
    )
    if other is not None:
        raise_pending_order(other)


def raise_unavailable(showtime: Showtime, seats: list[Seat], now: datetime) -> None:
    """After a claim rolled back: raise :class:`Conflict` naming the seats taken (or that sales stopped)."""
    status = Showtime.objects.filter(pk=showtime.pk).values_list("status", flat=True).first()
    if status != Showtime.Status.PUBLISHED:
        raise Conflict(
            TicketingErrorCode.SHOWTIME_NOT_ON_SALE,
            f"This showtime is {status}; it does not sell tickets.",
            status_now=status,
        )
    free_ids = set(
        SeatInventory.objects.filter(showtime=showtime, seat_id__in=[s.pk for s in seats])
        .filter(claimable(now))
        .values_list("seat_id", flat=True)
    )
    taken = [s.code for s in seats if s.pk not in free_ids] or [s.code for s in seats]
    raise Conflict(
        TicketingErrorCode.SEATS_UNAVAILABLE,
        "These seats are no longer available: "
        + ", ".join(taken)
        + ". Nothing was held; choose again.",
        seats=taken,
    )


def release_hold(*, hold: Hold, user: User) -> Hold:
    """Give the seats of ``user``'s own hold back to sale and cancel its pending order.

    A hold that already lapsed is recorded as ``expired``. Raises
    :class:`NotFound` ``hold_not_found`` (not the user's) and :class:`Conflict`
    ``hold_not_active`` (released, sold or cancelled already).
    """
    now = timezone.now()
    with transaction.atomic():
        rows = SeatInventory.objects.filter(hold_id=hold.pk, state=SeatInventory.State.HELD)
        lock_inventory(rows)
        current = Hold.objects.select_for_update(no_key=True).filter(pk=hold.pk, user=user).first()
        if current is None:
            raise NotFound(TicketingErrorCode.HOLD_NOT_FOUND, f"No hold {hold.pk} of yours.")
        if current.status != Hold.Status.ACTIVE:
            raise Conflict(
                TicketingErrorCode.HOLD_NOT_ACTIVE,
                f"This hold is {current.status} already.",
                status_now=current.status,
            )
        _end_hold(current, now=now, lapsed=current.expires_at <= now)
    return current


def _end_hold(hold: Hold, *, now: datetime, lapsed: bool) -> None:
    """Free a locked active hold's seats, close it and its pending order, give back the round."""
    SeatInventory.objects.filter(hold_id=hold.pk, state=SeatInventory.State.HELD).update(
        state=SeatInventory.State.FREE, hold=None, hold_expires_at=None
    )
    hold.status = Hold.Status.EXPIRED if lapsed else Hold.Status.RELEASED
    hold.ended_at = now
    hold.save(update_fields=["status", "ended_at"])
    Order.objects.filter(hold_id=hold.pk, status=Order.Status.PENDING).update(
        status=Order.Status.EXPIRED if lapsed else Order.Status.CANCELLED, closed_at=now
    )
    if hold.round_id is not None:
        rounds.give_back_allowance(
            round_id=hold.round_id, user_id=hold.user_id, seats=hold.seat_count
        )


def expire_hold(*, hold_id: int, now: datetime | None = None) -> bool:
    """Record that a lapsed hold expired: free its seats, expire its order, give back its round.

    Not needed for correctness (lapsed holds already read and claim as free);
    it keeps the tables tidy and the counters exact. Idempotent: returns
    ``False`` when the hold is not an active, lapsed hold.
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock_inventory(
            SeatInventory.objects.filter(hold_id=hold_id, state=SeatInventory.State.HELD)
        )
        hold = (
            Hold.objects.select_for_update(no_key=True)
            .filter(pk=hold_id, status=Hold.Status.ACTIVE, expires_at__lte=now)
            .first()
        )
        if hold is None:
            return False
        _end_hold(hold, now=now, lapsed=True)
    return True


def expire_lapsed_holds(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Housekeeping for a periodic job: :func:`expire_hold` every lapsed active hold."""
    now = now or timezone.now()
    ids = list(
        Hold.objects.filter(status=Hold.Status.ACTIVE, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for hold_id in ids if expire_hold(hold_id=hold_id, now=now))
