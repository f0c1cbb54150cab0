"""Reads of the order centre: the buyer's own orders in every state, and one order's receipt.

Only the buyer's own orders are read (:func:`ticketing.queries.orders_of`,
``order_of``); what state an order is in is the order's own
:meth:`~marquee.ticketing.models.Order.current_status` (a pending order whose
hold lapsed *is* expired).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from marquee.accounts.permissions import AnyUser
from marquee.payments.models import Payment
from marquee.ticketing import queries as ticketing_queries
from marquee.ticketing.models import Hold, Order, Ticket
from marquee.web.queries import order_payments

#: Which shelf of the order centre each status sits on.
SHELVES = {
    Order.Status.PENDING: "pending",
    Order.Status.PAID: "paid",
    Order.Status.EXCHANGED: "paid",
    Order.Status.PARTIALLY_REFUNDED: "refunded",
    Order.Status.REFUNDED: "refunded",
    Order.Status.EXPIRED: "ended",
    Order.Status.CANCELLED: "ended",
}
#: How many orders the centre lists (newest first); older ones stay reachable by link.
MAX_ORDERS = 200


@dataclass(frozen=True)
class OrderEntry:
    order: Order
    status: str  # the current status (a lapsed pending order reads "expired")
    remaining: int  # seconds left to pay (pending orders), else 0

    @property
    def status_label(self) -> str:
        return str(Order.Status(self.status).label)


@dataclass
class OrderCentre:
    pending: list[OrderEntry] = field(default_factory=list)
    paid: list[OrderEntry] = field(default_factory=list)
    refunded: list[OrderEntry] = field(default_factory=list)
    ended: list[OrderEntry] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.pending or self.paid or self.refunded or self.ended)


def _remaining(order: Order, now: datetime) -> int:
    # Rounded up: when a countdown reaches zero the hold has really lapsed.
    return max(math.ceil((order.hold.expires_at - now).total_seconds()), 0)


def _entry(order: Order, now: datetime) -> OrderEntry:
    status = order.current_status(now)
    remaining = _remaining(order, now) if status == Order.Status.PENDING else 0
    return OrderEntry(order=order, status=status, remaining=remaining)


def order_centre(user: AnyUser | None, *, now: datetime | None = None) -> OrderCentre:
    """The user's orders by shelf: to pay (soonest lapse first), paid, refunded, ended.

    Two queries (the orders with hold, showtime, title, venue and hall; their lines).
    """
    now = now or timezone.now()
    centre = OrderCentre()
    orders = ticketing_queries.orders_of(user).select_related("showtime__venue__city")
    for order in orders[:MAX_ORDERS]:
        entry = _entry(order, now)
        getattr(centre, SHELVES.get(entry.status, "ended")).append(entry)
    centre.pending.sort(key=lambda e: e.remaining)
    return centre


@dataclass(frozen=True)
class Receipt:
    entry: OrderEntry
    tickets: list[Ticket]
    payments: list[Payment]

    @property
    def order(self) -> Order:
        return self.entry.order

    @property
    def paid_payment(self) -> Payment | None:
        return next((p for p in self.payments if p.status != Payment.Status.FAILED), None)


def order_receipt(*, user: AnyUser | None, order_id: int, now: datetime | None = None) -> Receipt:
    """One of the user's own orders with its lines, tickets and payments; ``NotFound`` else."""
    now = now or timezone.now()
    order = ticketing_queries.order_of(user=user, order_id=order_id)
    return Receipt(
        entry=_entry(order, now),
        tickets=ticketing_queries.tickets_of(order),
        payments=order_payments(order),
    )


@dataclass(frozen=True)
class HeldByMe:
    """Seats of a showtime the user holds in a pending order (shown as theirs on the map)."""

    order: Order
    codes: list[str]
    labels: list[str]
    remaining: int


def held_by_me(
    *, user: AnyUser | None, showtime_id: int, now: datetime | None = None
) -> list[HeldByMe]:
    """The user's pending orders for ``showtime_id`` whose hold is still live, with seat codes."""
    now = now or timezone.now()
    pending = ticketing_queries.orders_of(user).filter(
        showtime_id=showtime_id,
        status=Order.Status.PENDING,
        hold__status=Hold.Status.ACTIVE,
        hold__expires_at__gt=now,
    )
    return [
        HeldByMe(
            order=order,
            codes=[line.seat.code for line in order.lines.all()],
            labels=[line.seat.display_label for line in order.lines.all()],
            remaining=_remaining(order, now),
        )
        for order in pending
    ]
