"""Orders (from a hold), paying, cancelling, their tickets and the ticket signing keys."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import P, Query, Router

from marquee.accounts.auth import AUTH
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.payments.endpoints import pay_order_route
from marquee.ticketing import queries
from marquee.ticketing.schemas.orders import (
    KeyOut,
    OrderIn,
    OrderOut,
    PayOut,
    TicketOut,
    order_out,
    ticket_out,
)
from marquee.ticketing.services import orders

router = Router()


@router.post(
    "/orders",
    response={201: OrderOut},
    auth=AUTH,
    summary="Create an order from your hold (send an Idempotency-Key)",
)
@idempotent(
    scope="ticketing.create_order",
    fingerprint=lambda payload, **_: {
        "hold_id": payload.hold_id,
        **({"voucher_code": payload.voucher_code} if payload.voucher_code else {}),
    },
)
def create_order(request: HttpRequest, payload: OrderIn, idempotency_key: IdempotencyKey = None):
    placed = orders.place_order(
        hold=payload.hold_id, user=request.user, voucher_code=payload.voucher_code
    )
    body = order_out(placed.order, now=timezone.now(), lines=placed.lines)
    return 201, body.model_dump(mode="json")


@router.get("/orders", response=list[OrderOut], auth=AUTH, summary="Your orders, newest first")
def list_orders(
    request: HttpRequest,
    limit: Query[int, P(ge=1, le=200)] = 50,
    offset: Query[int, P(ge=0, le=100_000)] = 0,
):
    now = timezone.now()
    return [order_out(o, now=now) for o in queries.orders_of(request.user)[offset : offset + limit]]


@router.get(
    "/orders/{order_id}",
    response=OrderOut,
    auth=AUTH,
    summary="One of your orders (admins: any order, as for refunds)",
)
def get_order(request: HttpRequest, order_id: int):
    order = queries.order_for_owner_or_admin(user=request.user, order_id=order_id)
    return order_out(order, now=timezone.now())


def _start_payment(request: HttpRequest, order_id: int, return_url: str) -> PayOut:
    started = orders.pay_order(order=order_id, user=request.user, return_url=return_url)
    return PayOut(
        order_id=started.order.pk,
        order_status=started.order.current_status(),
        payment_id=started.payment_id,
        redirect_url=started.redirect_url,
    )


pay_order_route(
    router,
    scope="ticketing.pay_order",
    response=PayOut,
    summary="Pay an order: returns the payment page to redirect to (send an Idempotency-Key)",
    start=_start_payment,
    module=__name__,
)


@router.post(
    "/orders/{order_id}/cancel",
    response=OrderOut,
    auth=AUTH,
    summary="Cancel your pending order (its seats go back on sale)",
)
def cancel_order(request: HttpRequest, order_id: int):
    order = queries.order_of(user=request.user, order_id=order_id)
    orders.cancel_order(order=order, user=request.user)
    return order_out(queries.order_of(user=request.user, order_id=order_id), now=timezone.now())


@router.get(
    "/orders/{order_id}/tickets",
    response=list[TicketOut],
    auth=AUTH,
    summary="The tickets of your paid order (the signed QR payload in `code`; admins: any)",
)
def order_tickets(request: HttpRequest, order_id: int):
    return [
        ticket_out(t)
        for t in queries.order_tickets_for_owner_or_admin(user=request.user, order_id=order_id)
    ]


@router.get(
    "/keys",
    response=KeyOut,
    auth=None,
    summary="The Ed25519 public key that verifies ticket QR codes offline (docs/tickets.md)",
)
def ticket_keys(request: HttpRequest):
    from marquee.ticketing import etickets

    return etickets.public_key_info()
