"""Refund quotes and refunds."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from marquee.accounts.auth import AUTH
from marquee.core.idempotency import IdempotencyKey, idempotent
from marquee.ticketing import queries
from marquee.ticketing.schemas.refunds import (
    RefundIn,
    RefundOut,
    RefundQuoteFilters,
    RefundQuoteOut,
    refund_quote_out,
)
from marquee.ticketing.services import refunds

router = Router()


@router.get(
    "/orders/{order_id}/refund-quote",
    response=RefundQuoteOut,
    auth=AUTH,
    summary="What a refund would give back under the venue's rule, before you confirm",
)
def refund_quote(request: HttpRequest, order_id: int, filters: Query[RefundQuoteFilters]):
    order = queries.order_for_owner_or_admin(user=request.user, order_id=order_id)
    quote = refunds.quote_refund(order=order, actor=request.user, ticket_ids=filters.ticket_ids)
    return refund_quote_out(quote)


@router.post(
    "/orders/{order_id}/refund",
    response=RefundOut,
    auth=AUTH,
    summary="Refund some or all valid tickets of your paid order (send an Idempotency-Key)",
)
@idempotent(
    scope="ticketing.refund_order",
    fingerprint=lambda order_id, payload=None, **_: {
        "order_id": order_id,
        "ticket_ids": sorted(set(payload.ticket_ids))
        if payload and payload.ticket_ids is not None
        else None,
    },
)
def refund_order(
    request: HttpRequest,
    order_id: int,
    payload: RefundIn | None = None,
    idempotency_key: IdempotencyKey = None,
):
    user = request.user
    order = queries.order_for_owner_or_admin(user=user, order_id=order_id)
    result = refunds.refund_tickets(
        order=order,
        ticket_ids=payload.ticket_ids if payload else None,
        actor=user,
        idempotency_key=idempotency_key,
    )
    body = RefundOut(
        order_id=result.order.pk,
        order_status=result.order.status,
        refund_id=result.record.pk,
        refunded_ticket_ids=sorted(t.pk for t in result.tickets),
        amount_minor=result.amount_minor,
        fee_minor=result.fee_minor,
        currency=result.currency,
        order_refunded_minor=result.order.refunded_minor,
    )
    return 200, body.model_dump(mode="json")
