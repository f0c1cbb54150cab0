"""Buying tickets the way a buyer does: hold, order, pay through the simulated gateway."""

from __future__ import annotations

from marquee.accounts.models import User
from marquee.payments.models import Payment
from marquee.ticketing.models import Order, SeatInventory, Showtime, Ticket
from tests.ticketing.factories import OrderFactory


def buy(showtime: Showtime, user: User, *codes: str, invitation_code: str | None = None) -> Order:
    """A paid order for ``codes``: hold → order → pay → the gateway's signed success callback."""
    order = OrderFactory(
        showtime=showtime,
        user=user,
        seats=list(codes),
        invitation_code=invitation_code,
        paid="gateway",
    )
    assert order.status == Order.Status.PAID, order.status
    return order


def tickets(order: Order) -> dict[str, Ticket]:
    """The order's tickets by seat code."""
    return {
        t.seat.code: t
        for t in Ticket.objects.filter(order=order).select_related("seat", "line", "showtime")
    }


def payment_of(order: Order) -> Payment:
    return Payment.objects.get(pk=order.payment_id)


def seat_states(showtime: Showtime, *codes: str) -> list[str]:
    rows = {
        r.seat.code: r.state
        for r in SeatInventory.objects.filter(showtime=showtime).select_related("seat")
    }
    return [rows[c] for c in codes]
