"""The closing steps refunds and exchanges share: give tickets up, then give money back.

Both run inside their own transaction, after ``lock_inventory`` of the seats
they give up, in the lock order of ``docs/ticketing.md`` (inventory → tickets →
orders → round allowances → payments).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from marquee.accounts.models import User
from marquee.core.errors import Conflict
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import Order, OrderRefund, SeatInventory
from marquee.ticketing.services._common import close_valid_tickets, return_seats_to_sale

if TYPE_CHECKING:
    from marquee.payments.models import Refund

logger = logging.getLogger(__name__)

#: Order statuses whose remaining valid tickets may be refunded or exchanged.
OPEN_ORDER_STATUSES = (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED)

#: The ``reason`` payments records for each kind of ticketing refund.
PAYMENT_REASONS = {
    OrderRefund.Reason.CUSTOMER: "ticket_refund",
    OrderRefund.Reason.SHOWTIME_CANCELLED: "showtime_cancelled",
    OrderRefund.Reason.EXCHANGE_DIFFERENCE: "exchange_difference",
}


def give_up_tickets(
    *,
    order: Order,
    ticket_ids: list[int],
    seats: QuerySet[SeatInventory],
    status: str,
    verb: str,
    not_open: TicketingErrorCode,
    now: datetime,
) -> Order:
    """Close ``order``'s still-valid tickets, put their ``seats`` back on sale, lock the order.

    The caller has locked ``seats``. Returns the order as read under its lock
    (``FOR NO KEY UPDATE``). Raises :class:`Conflict` ``tickets_changed`` (a
    ticket moved meanwhile) and ``not_open`` (the order is no longer paid or
    partially refunded); the caller's transaction then rolls back whole.
    """
    close_valid_tickets(order=order, ticket_ids=ticket_ids, status=status, now=now, verb=verb)
    return_seats_to_sale(seats)
    locked = Order.objects.select_for_update(no_key=True).get(pk=order.pk)
    if locked.status not in OPEN_ORDER_STATUSES:
        raise Conflict(
            not_open,
            f"This order is {locked.status}; only paid orders can be {verb}.",
            status_now=locked.status,
        )
    return locked


def give_money_back(
    *,
    order: Order,
    reason: str,
    amount_minor: int,
    fee_minor: int,
    ticket_ids: list[int],
    actor: User | None,
    now: datetime,
    idempotency_key: str = "",
) -> tuple[OrderRefund, Refund | None]:
    """Record an :class:`OrderRefund` of ``order`` (locked by the caller) and return the money."""
    record = OrderRefund.objects.create(
        order=order,
        reason=reason,
        currency=order.currency,
        amount_minor=amount_minor,
        fee_minor=fee_minor,
        ticket_ids=ticket_ids,
        idempotency_key=idempotency_key,
        actor=actor,
        created_at=now,
    )
    return record, return_money(order=order, record=record)


def return_money(*, order: Order, record: OrderRefund) -> Refund | None:
    """Give ``record.amount_minor`` back through the payment that paid ``order``.

    Runs in the caller's transaction (after the order and allowance locks).
    Orders paid outside the online provider (a free order, a box-office sale:
    no ``payment_id``) move no money here; the record says what is owed. The
    payments idempotency key is the record's, so a record never refunds twice.
    Raises what :func:`marquee.payments.services.refund_payment` raises.
    """
    from marquee.payments.models import Payment
    from marquee.payments.services import refund_payment

    if record.amount_minor <= 0 or order.payment_id is None:
        return None
    payment = Payment.objects.filter(pk=order.payment_id).first()
    if payment is None:
        logger.error(
            "order %s names payment %s, which does not exist: refund %s recorded, no money moved",
            order.pk,
            order.payment_id,
            record.pk,
        )
        return None
    refund = refund_payment(
        payment=payment,
        amount_minor=record.amount_minor,
        reason=PAYMENT_REASONS[record.reason],
        idempotency_key=f"ticketing-order-refund-{record.pk}",
    )
    record.payment_refund = refund
    record.save(update_fields=["payment_refund"])
    return refund
