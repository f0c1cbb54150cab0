"""Refund quotes and refunds."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ninja import Field, Schema

from marquee.ticketing.schemas._common import Id

if TYPE_CHECKING:
    from marquee.ticketing.services.refunds import RefundQuote


class RefundIn(Schema):
    ticket_ids: list[Id] | None = Field(
        None, max_length=100, description="Tickets to refund; omit for every valid ticket"
    )


class RefundOut(Schema):
    order_id: int
    order_status: str
    refund_id: int
    refunded_ticket_ids: list[int]
    amount_minor: int = Field(..., description="Given back: seat price + service fee − venue fee")
    fee_minor: int = Field(..., description="Venue refund fees kept")
    currency: str
    order_refunded_minor: int = Field(..., description="Everything refunded on the order so far")


class RefundQuoteFilters(Schema):
    ticket_ids: list[Id] | None = Field(None, max_length=100)


class RefundLineOut(Schema):
    ticket_id: int
    seat: str
    seat_label: str
    status: str
    refundable: bool
    reason: str = Field(..., description="Why not (an error code), empty when refundable")
    price_minor: int
    service_fee_minor: int
    venue_fee_minor: int
    refund_minor: int


class RefundQuoteOut(Schema):
    order_id: int
    order_status: str
    currency: str
    refundable: bool
    reason: str = Field(..., description="Why not (an error code), empty when refundable")
    message: str
    rule: str = Field(..., description="The venue's refund rule in words")
    cutoff_minutes: int
    cutoff_at: datetime
    local_cutoff_at: datetime
    window_open: bool
    venue_fee_per_ticket_minor: int
    refund_minor: int
    fee_minor: int
    tickets: list[RefundLineOut]


def refund_quote_out(quote: RefundQuote) -> RefundQuoteOut:
    return RefundQuoteOut(
        order_id=quote.order_id,
        order_status=quote.order_status,
        currency=quote.currency,
        refundable=quote.refundable,
        reason=quote.reason,
        message=quote.message,
        rule=quote.rule,
        cutoff_minutes=quote.cutoff_minutes,
        cutoff_at=quote.cutoff_at,
        local_cutoff_at=quote.local_cutoff_at,
        window_open=quote.window_open,
        venue_fee_per_ticket_minor=quote.venue_fee_per_ticket_minor,
        refund_minor=quote.refund_minor,
        fee_minor=quote.fee_minor,
        tickets=[
            RefundLineOut(
                ticket_id=line.ticket_id,
                seat=line.seat_code,
                seat_label=line.seat_label,
                status=line.status,
                refundable=line.refundable,
                reason=line.reason,
                price_minor=line.price_minor,
                service_fee_minor=line.service_fee_minor,
                venue_fee_minor=line.venue_fee_minor,
                refund_minor=line.refund_minor,
            )
            for line in quote.lines
        ],
    )
