"""Exchanges for another showtime of the same film."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from marquee.accounts.auth import AUTH
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.ticketing import queries
from marquee.ticketing.schemas.exchanges import ExchangeIn, ExchangeOut
from marquee.ticketing.schemas.orders import order_out, ticket_out
from marquee.ticketing.services import exchanges

router = Router()


@router.post(
    "/orders/{order_id}/exchange",
    response={201: ExchangeOut},
    auth=AUTH,
    summary="Exchange valid tickets for seats at another showtime of the film (Idempotency-Key)",
)
@idempotent(
    scope="ticketing.exchange_order",
    fingerprint=lambda order_id, payload, **_: {
        "order_id": order_id,
        "ticket_ids": sorted(set(payload.ticket_ids)),
        "showtime_id": payload.showtime_id,
        "seats": sorted(payload.seats),
    },
)
def exchange_order(
    request: HttpRequest,
    order_id: int,
    payload: ExchangeIn,
    idempotency_key: IdempotencyKey = None,
):
    user = request.user
    order = queries.order_for_owner_or_admin(user=user, order_id=order_id)
    new_showtime = queries.get_showtime(user=user, showtime_id=payload.showtime_id)
    result = exchanges.exchange_tickets(
        order=order,
        ticket_ids=payload.ticket_ids,
        new_showtime=new_showtime,
        seat_codes=payload.seats,
        actor=user,
        idempotency_key=idempotency_key,
    )
    now = timezone.now()
    new_order = queries.order_for_owner_or_admin(user=user, order_id=result.new_order.pk)
    body = ExchangeOut(
        order_id=result.order.pk,
        order_status=result.order.status,
        exchange_id=result.exchange.pk,
        new_order=order_out(new_order, now=now),
        tickets=[ticket_out(t) for t in queries.tickets_of(new_order)],
        refunded_minor=result.refunded_minor,
        currency=result.currency,
    )
    return 201, body.model_dump(mode="json")
