"""After the sale: shipping with a tracking number, delivery, cancellation, return and refund.

::

    pending ──pay──▶ paid ──ship(tracking no.)──▶ shipped ──▶ delivered
       │              │                              │            │
       ▼              └──── cancel / return ─────────┴────────────┴──▶ refunded
    cancelled / expired

Each transition is one conditional UPDATE on the status. A refund goes through
``payments.services.refund_payment`` (idempotency key ``merch-order-refund-<id>``),
voids the units' authenticity codes and puts the stock back (a limited
edition's pieces are withdrawn instead: its run is fixed), all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from marquee.accounts.models import User
from marquee.core.text import clean_text
from marquee.merch import events, permissions
from marquee.merch.errors import MerchConflict, MerchError, MerchErrorCode, MerchNotFound
from marquee.merch.models import Order, Unit
from marquee.merch.services._common import whole
from marquee.merch.services.orders import (
    _line_quantities,
    own_order,
    publish_money_event,
    release_stock,
)

REFUNDABLE = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED)


def merchant_order(user: User, order_id: Any) -> Order:
    """An order of a merchant ``user`` acts for; ``merch_order_not_found`` otherwise."""
    order = (
        Order.objects.select_related("merchant").filter(pk=order_id).first()
        if whole(order_id)
        else None
    )
    if order is None or not permissions.acts_for_merchant(user, order.merchant.organisation_id):
        raise MerchNotFound(MerchErrorCode.ORDER_NOT_FOUND, f"No order {order_id} of yours.")
    return order


def _move(order: Order, *, frm: tuple[str, ...], to: str, action: str, **fields: Any) -> None:
    if not Order.objects.filter(pk=order.pk, status__in=frm).update(status=to, **fields):
        current = Order.objects.values_list("status", flat=True).get(pk=order.pk)
        raise MerchConflict(
            MerchErrorCode.INVALID_TRANSITION,
            f"Order {order.pk} is {current}; cannot be {action}.",
            status=current,
            action=action,
        )
    order.status = to
    for name, value in fields.items():
        setattr(order, name, value)


def ship_order(
    *, actor: User, order_id: int, tracking_number: str, today: dt.date | None = None
) -> Order:
    """The merchant ships a paid order with the carrier's tracking number (pre-orders on their day)."""
    tracking = clean_text(tracking_number, field="tracking_number", max_length=60)
    if not tracking:
        raise MerchError(MerchErrorCode.INVALID_TRACKING, "No tracking number.")
    order = merchant_order(actor, order_id)
    today = today or timezone.localdate()
    ships_on = max(
        (d for d in order.lines.values_list("product__ships_on", flat=True) if d), default=None
    )
    if ships_on and today < ships_on:
        raise MerchConflict(
            MerchErrorCode.NOT_YET_SHIPPABLE, "Pre-order.", ships_on=ships_on.isoformat()
        )
    with transaction.atomic():
        _move(
            order,
            frm=(Order.Status.PAID,),
            to=Order.Status.SHIPPED,
            action="shipped",
            tracking_number=tracking,
            shipped_at=timezone.now(),
        )
    return order


def deliver_order(*, actor: User, order_id: int) -> Order:
    """The carrier delivered a shipped order (the merchant records it)."""
    order = merchant_order(actor, order_id)
    with transaction.atomic():
        _move(
            order,
            frm=(Order.Status.SHIPPED,),
            to=Order.Status.DELIVERED,
            action="delivered",
            delivered_at=timezone.now(),
        )
    return order


def cancel_order(*, user: User, order_id: int) -> Order:
    """The buyer cancels: an unpaid order gives its stock back; a paid, unshipped one is refunded."""
    order = own_order(user, order_id)
    if order.status == Order.Status.PENDING:
        now = timezone.now()
        with transaction.atomic():
            _move(
                order,
                frm=(Order.Status.PENDING,),
                to=Order.Status.CANCELLED,
                action="cancelled",
                closed_at=now,
            )
            for variant_id, quantity in _line_quantities(order.pk):
                release_stock(variant_id, quantity)
        return order
    return _refund(order, frm=(Order.Status.PAID,), reason="merch_cancelled")


def refund_order(*, actor: User, order_id: int) -> Order:
    """The merchant (or an admin) takes the goods back and refunds the whole order."""
    order = merchant_order(actor, order_id)
    return _refund(order, frm=REFUNDABLE, reason="merch_returned")


def _refund(order: Order, *, frm: tuple[str, ...], reason: str) -> Order:
    from marquee.payments.models import Payment
    from marquee.payments.services import refund_payment

    now = timezone.now()
    with transaction.atomic():
        _move(order, frm=frm, to=Order.Status.REFUNDED, action="refunded", closed_at=now)
        Unit.objects.filter(line__order=order).update(void=True)
        limited = set(
            order.lines.filter(product__edition_size__isnull=False).values_list(
                "variant_id", flat=True
            )
        )
        for variant_id, quantity in _line_quantities(order.pk):
            if variant_id not in limited:
                release_stock(variant_id, quantity)
        payment = Payment.objects.get(pk=order.payment_id)
        refund_payment(
            payment=payment,
            amount_minor=order.total_minor,
            reason=reason,
            idempotency_key=f"merch-order-refund-{order.pk}",
        )
        order = Order.objects.select_related("merchant").get(pk=order.pk)
        publish_money_event(events.ORDER_REFUNDED, order, sign=-1)
    return order
