"""Turning a paid order into tickets (the ``ticket_order`` payment purpose's handler).

Registered in :class:`marquee.ticketing.apps.TicketingConfig.ready`. Payments
calls :func:`fulfil_paid_order` inside the transaction that marks the payment
succeeded; when it returns ``False`` payments refunds the whole amount, so
money is never kept without a ticket (invariant 3).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from marquee.core.errors import Conflict
from marquee.core.prepared import Prepared
from marquee.ticketing import events
from marquee.ticketing.limits import doors_open_before
from marquee.ticketing.models import Hold, Order, OrderLine, SeatInventory, Showtime, Ticket
from marquee.ticketing.pickup import new_pickup_code
from marquee.ticketing.services._common import update_inventory
from marquee.ticketing.services.order_states import change_order_status

if TYPE_CHECKING:
    from marquee.payments.models import Payment

logger = logging.getLogger(__name__)

#: Attempts at a set of fresh pickup codes before giving up (each clash is ~n/10¹⁰).
PICKUP_CODE_ATTEMPTS = 5


class _CannotFulfil(Exception):
    """Rolls back the fulfilment savepoint; the message says why for the log."""


def fulfil_paid_order(payment: Payment) -> bool:
    """Issue the tickets of the order ``payment`` paid for; ``False`` when that is impossible.

    Runs inside the payment's transaction with the payment row locked, once
    per payment. Refuses (returns ``False``, changes nothing in ticketing) when
    the reference is not an order, the amount, currency or payer differ, the
    order is not pending (cancelled, expired, already paid by another payment)
    or its hold lapsed or lost a seat.
    """
    try:
        order_id = int(payment.reference)
    except (TypeError, ValueError):
        logger.warning("payment %s: reference %r is not an order", payment.pk, payment.reference)
        return False
    order = _PAID_ORDER.first(pk=order_id)
    if order is None:
        logger.warning("payment %s: no order %s", payment.pk, order_id)
        return False
    if (
        payment.amount_minor != order.total_minor
        or payment.currency != order.currency
        or payment.payer_id != order.user_id
    ):
        logger.warning("payment %s does not match order %s", payment.pk, order.pk)
        return False
    return complete_order(order=order, payment_id=payment.pk)


#: The order a payment pays for, with its hold and showtime (compiled once).
_PAID_ORDER = Prepared(
    lambda pk: (
        Order.objects.select_related("hold", "showtime", "showtime__venue")
        .filter(pk=pk)
        .order_by()[:1]
    ),
    pk=int,
)


def complete_order(*, order: Order, payment_id: UUID | None, now: datetime | None = None) -> bool:
    """Sell the order's held seats, mark it paid and issue one signed ticket per seat.

    Call inside a transaction. Works in a savepoint: the hold must still be
    active and unexpired (``active`` → ``completed`` conditionally), every
    inventory row held by it flips ``held`` → ``sold`` in one conditional
    UPDATE whose row count must equal the hold's seats, and the order moves
    ``pending`` → ``paid``. Any shortfall rolls the savepoint back and returns
    ``False`` (a lapsed hold is then recorded as expired). Publishes
    ``ticketing.order_paid`` and one ``ticketing.ticket_issued`` per ticket.
    """
    from marquee.ticketing.services.holds import expire_hold

    now = now or timezone.now()
    hold = order.hold
    try:
        with transaction.atomic():
            # Inventory first, then the hold: the lock order every service keeps.
            sold = update_inventory(
                SeatInventory.objects.filter(hold_id=hold.pk),
                where=Q(state=SeatInventory.State.HELD, hold_expires_at__gt=now),
                state=SeatInventory.State.SOLD,
                hold_expires_at=None,
            )
            if not Hold.objects.filter(
                pk=hold.pk, status=Hold.Status.ACTIVE, expires_at__gt=now
            ).update(status=Hold.Status.COMPLETED, ended_at=now):
                raise _CannotFulfil("the hold is no longer active")
            if sold != hold.seat_count:
                raise _CannotFulfil(f"only {sold} of {hold.seat_count} seats were still held")
            try:
                change_order_status(
                    order=order, to=Order.Status.PAID, now=now, payment_id=payment_id
                )
            except Conflict as exc:
                raise _CannotFulfil(str(exc)) from exc
            tickets = issue_tickets(order, now)
            _publish_paid(order, tickets)
    except _CannotFulfil as exc:
        logger.warning("order %s cannot be fulfilled: %s", order.pk, exc)
        expire_hold(hold_id=hold.pk, now=now)
        return False
    return True


def issue_tickets(order: Order, now: datetime) -> list[Ticket]:
    """One signed, valid ticket per line of ``order`` (inside the caller's transaction)."""
    from marquee.ticketing import etickets

    showtime = order.showtime
    # Whole seconds: the signed claims carry seconds, and the row must say the same.
    valid_from = (showtime.starts_at - doors_open_before()).replace(microsecond=0)
    valid_until = showtime.ends_at.replace(microsecond=0)
    lines = list(OrderLine.objects.filter(order=order).select_related("seat").order_by("pk"))
    for attempt in range(1, PICKUP_CODE_ATTEMPTS + 1):
        codes = _fresh_pickup_codes(showtime, len(lines))
        try:
            # A savepoint: a clash with a code issued concurrently rolls back only this try.
            with transaction.atomic():
                tickets = Ticket.objects.bulk_create(
                    [
                        Ticket(
                            order=order,
                            line=line,
                            showtime=showtime,
                            seat=line.seat,
                            status=Ticket.Status.VALID,
                            pickup_code=code,
                            valid_from=valid_from,
                            valid_until=valid_until,
                            issued_at=now,
                        )
                        for line, code in zip(lines, codes, strict=True)
                    ]
                )
            break
        except IntegrityError:
            # Only a pickup-code clash is worth another try; anything else is real.
            if attempt == PICKUP_CODE_ATTEMPTS or not _taken(showtime, codes):
                raise
            logger.info("order %s: pickup code clash, new codes (try %s)", order.pk, attempt)
    for ticket, line in zip(tickets, lines, strict=True):
        ticket.code = etickets.sign_ticket(
            etickets.TicketClaims(
                ticket_id=ticket.pk,
                showtime_id=showtime.pk,
                venue_id=showtime.venue_id,
                hall_id=showtime.hall_id,
                seat=line.seat.code,
                valid_from=valid_from,
                valid_until=valid_until,
            )
        )
    Ticket.objects.bulk_update(tickets, ["code"])
    return tickets


def _taken(showtime: Showtime, codes: list[str]) -> set[str]:
    return set(
        Ticket.objects.filter(showtime=showtime, pickup_code__in=codes).values_list(
            "pickup_code", flat=True
        )
    )


def _fresh_pickup_codes(showtime: Showtime, count: int) -> list[str]:
    """``count`` distinct pickup codes no ticket of ``showtime`` holds yet.

    The read is only a first filter: a concurrent issue may take a code between
    it and the insert, which the unique constraint (showtime, pickup_code) then
    refuses and :func:`issue_tickets` retries.
    """
    codes: list[str] = []
    while len(codes) < count:
        candidates = {new_pickup_code() for _ in range(count - len(codes))} - set(codes)
        codes.extend(sorted(candidates - _taken(showtime, list(candidates))))
    return codes


def _publish_paid(order: Order, tickets: list[Ticket]) -> None:
    showtime = order.showtime
    events.publish(
        events.ORDER_PAID,
        aggregate="order",
        aggregate_id=order.pk,
        payload={
            "order_id": order.pk,
            "user_id": order.user_id,
            "showtime_id": showtime.pk,
            "title_id": showtime.title_id,
            "venue_id": showtime.venue_id,
            "hall_id": showtime.hall_id,
            "city_id": showtime.venue.city_id,
            "round_id": order.round_id,
            "starts_at": showtime.starts_at.isoformat(),
            "currency": order.currency,
            "subtotal_minor": order.subtotal_minor,
            "fees_minor": order.fees_minor,
            "total_minor": order.total_minor,
            "discount_minor": order.discount_minor,
            "discount_code": order.discount_code,
            "discount_payer": order.discount_payer,
            "tickets": len(tickets),
            "payment_id": str(order.payment_id) if order.payment_id else None,
            "paid_at": order.paid_at.isoformat() if order.paid_at else None,
        },
    )
    events.publish_many(
        events.TICKET_ISSUED,
        aggregate="ticket",
        items=[
            (
                ticket.pk,
                {
                    **events.ticket_fields(
                        ticket, order=order, showtime=showtime, seat=ticket.line.seat.code
                    ),
                    "seat_type": ticket.line.seat_type,
                    "currency": order.currency,
                    "price_minor": ticket.line.price_minor,
                    "fee_minor": ticket.line.fee_minor,
                    "discount_minor": ticket.line.discount_minor,
                },
            )
            for ticket in tickets
        ],
    )
