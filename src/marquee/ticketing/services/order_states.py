"""The order state machine: which status may follow which, and the moves between them.

States::

    pending ─┬─> paid ─┬─> refunded
             │         ├─> partially_refunded ─> refunded / exchanged
             │         └─> exchanged
             ├─> expired      (its hold lapsed)
             └─> cancelled    (released by the buyer, or the showtime was cancelled)

Every transition is a conditional UPDATE on the current status
(:func:`change_order_status`), so two writers cannot both move one order.
After tickets are refunded or exchanged, :func:`reconcile_order_status`
derives the paid order's status from its tickets. Orders, fulfilment, refunds
and exchanges all move orders through here; this module depends on none of
them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F
from django.utils import timezone

from marquee.core.errors import Conflict
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import Order, Ticket

ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    Order.Status.PENDING: frozenset(
        {Order.Status.PAID, Order.Status.EXPIRED, Order.Status.CANCELLED}
    ),
    Order.Status.PAID: frozenset(
        {Order.Status.REFUNDED, Order.Status.PARTIALLY_REFUNDED, Order.Status.EXCHANGED}
    ),
    Order.Status.PARTIALLY_REFUNDED: frozenset(
        {Order.Status.PARTIALLY_REFUNDED, Order.Status.REFUNDED, Order.Status.EXCHANGED}
    ),
    Order.Status.EXPIRED: frozenset(),
    Order.Status.CANCELLED: frozenset(),
    Order.Status.REFUNDED: frozenset(),
    Order.Status.EXCHANGED: frozenset(),
}
#: The timestamp each target status sets.
_STAMP = {
    Order.Status.PAID: "paid_at",
    Order.Status.EXPIRED: "closed_at",
    Order.Status.CANCELLED: "closed_at",
    Order.Status.REFUNDED: "closed_at",
    Order.Status.EXCHANGED: "closed_at",
}


def change_order_status(
    *, order: Order, to: str, now: datetime | None = None, **fields: Any
) -> None:
    """Move ``order`` to status ``to`` if its current status allows it (one conditional UPDATE).

    ``fields`` are saved with the change (e.g. ``payment_id``, ``refunded_minor``).
    Call inside the caller's transaction. Raises :class:`Conflict`
    ``invalid_order_transition`` when the order is not in a status that may
    become ``to`` (including when another writer moved it first).
    """
    now = now or timezone.now()
    sources = [status for status, targets in ORDER_TRANSITIONS.items() if to in targets]
    stamp = _STAMP.get(to)
    if stamp:
        fields.setdefault(stamp, now)
    changed = Order.objects.filter(pk=order.pk, status__in=sources).update(status=to, **fields)
    if not changed:
        current = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
        raise Conflict(
            TicketingErrorCode.INVALID_ORDER_TRANSITION,
            f"An order that is {current} cannot become {to}.",
            status_now=current,
            requested=to,
        )
    order.status = to
    for name, value in fields.items():
        setattr(order, name, value)


def derived_status(*, ticket_statuses: list[str], refunded_minor: int) -> str:
    """The status a paid order has, given its tickets' statuses and the money given back.

    Some ticket still admits: ``paid``, or ``partially_refunded`` once any
    ticket was refunded or any money went back (an exchange's difference).
    None admits: ``refunded`` when every ticket was refunded, else
    ``exchanged`` (at least one was exchanged for a ticket of another order).
    """
    active = sum(1 for s in ticket_statuses if s in Ticket.ACTIVE_STATUSES)
    refunded = sum(1 for s in ticket_statuses if s == Ticket.Status.REFUNDED)
    if active:
        return Order.Status.PARTIALLY_REFUNDED if refunded or refunded_minor else Order.Status.PAID
    if ticket_statuses and refunded == len(ticket_statuses):
        return Order.Status.REFUNDED
    return Order.Status.EXCHANGED


def reconcile_order_status(*, order: Order, refunded_delta: int = 0, now: datetime) -> str:
    """Add ``refunded_delta`` to a paid order's ``refunded_minor`` and set the status its tickets imply.

    Call inside the transaction that changed the tickets, with the order row
    locked (``order`` as read under that lock). One conditional UPDATE on the
    status read; raises :class:`Conflict` ``invalid_order_transition`` if
    another writer moved the order meanwhile. Returns the new status.
    """
    statuses = list(Ticket.objects.filter(order_id=order.pk).values_list("status", flat=True))
    refunded_minor = order.refunded_minor + refunded_delta
    target = derived_status(ticket_statuses=statuses, refunded_minor=refunded_minor)
    if target == order.status:
        if refunded_delta:
            changed = Order.objects.filter(pk=order.pk, status=order.status).update(
                refunded_minor=F("refunded_minor") + refunded_delta
            )
            if not changed:
                raise Conflict(
                    TicketingErrorCode.INVALID_ORDER_TRANSITION,
                    "The order changed meanwhile; try again.",
                    requested=target,
                )
            order.refunded_minor = refunded_minor
        return target
    change_order_status(order=order, to=target, now=now, refunded_minor=refunded_minor)
    return target
