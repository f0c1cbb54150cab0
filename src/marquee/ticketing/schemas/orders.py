"""Orders, payment and tickets."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from marquee.ticketing.models import Order, OrderLine, Ticket
from marquee.ticketing.schemas._common import SeatRef, ShowtimeBrief, seat_ref, showtime_brief


class OrderIn(Schema):
    hold_id: int
    voucher_code: str | None = Field(
        None, max_length=40, description="A voucher code to take off the seat prices"
    )


class OrderLineOut(Schema):
    seat: SeatRef
    price_minor: int
    fee_minor: int
    discount_minor: int = Field(0, description="Taken off this seat's price by a voucher")


class OrderOut(Schema):
    id: int
    status: str = Field(
        ...,
        description="pending, paid, expired, cancelled, refunded, partially_refunded, exchanged",
    )
    showtime: ShowtimeBrief
    currency: str
    subtotal_minor: int
    fees_minor: int
    discount_minor: int = Field(0, description="Taken off the seat prices by a voucher")
    discount_code: str = Field("", description="The voucher that gave the discount")
    total_minor: int = Field(..., description="subtotal + fees − discount")
    refunded_minor: int
    lines: list[OrderLineOut]
    hold_id: int
    hold_expires_at: datetime
    payment_id: UUID | None
    created_at: datetime
    paid_at: datetime | None


def order_out(order: Order, *, now: datetime, lines: list[OrderLine] | None = None) -> OrderOut:
    """``lines``: the order's lines with their seats when the caller has them (else read)."""
    return OrderOut(
        id=order.pk,
        status=order.current_status(now),
        showtime=showtime_brief(order.showtime),
        currency=order.currency,
        subtotal_minor=order.subtotal_minor,
        fees_minor=order.fees_minor,
        discount_minor=order.discount_minor,
        discount_code=order.discount_code,
        total_minor=order.total_minor,
        refunded_minor=order.refunded_minor,
        lines=[
            OrderLineOut(
                seat=seat_ref(line.seat),
                price_minor=line.price_minor,
                fee_minor=line.fee_minor,
                discount_minor=line.discount_minor,
            )
            for line in (order.lines.all() if lines is None else lines)
        ],
        hold_id=order.hold_id,
        hold_expires_at=order.hold.expires_at,
        payment_id=order.payment_id,
        created_at=order.created_at,
        paid_at=order.paid_at,
    )


class PayOut(Schema):
    order_id: int
    order_status: str
    payment_id: UUID | None = Field(None, description="None when nothing was due (total 0)")
    redirect_url: str = Field(
        ..., description="The provider's payment page; empty when nothing was due"
    )


class TicketOut(Schema):
    id: int
    status: str = Field(..., description="valid, used, refunded or exchanged")
    showtime_id: int
    seat: SeatRef
    code: str = Field(..., description="The signed payload the QR code carries (docs/tickets.md)")
    pickup_code: str | None = Field(
        None, description="Ten digits for manual check-in and kiosks (docs/tickets.md §10)"
    )
    valid_from: datetime
    valid_until: datetime
    price_minor: int
    fee_minor: int
    currency: str
    issued_at: datetime


def ticket_out(ticket: Ticket) -> TicketOut:
    return TicketOut(
        id=ticket.pk,
        status=ticket.status,
        showtime_id=ticket.showtime_id,
        seat=seat_ref(ticket.seat),
        code=ticket.code,
        pickup_code=ticket.pickup_code,
        valid_from=ticket.valid_from,
        valid_until=ticket.valid_until,
        price_minor=ticket.line.price_minor,
        fee_minor=ticket.line.fee_minor,
        currency=ticket.showtime.currency,
        issued_at=ticket.issued_at,
    )


class KeyOut(Schema):
    kid: str
    alg: str
    public_key: str = Field(..., description="base64url of the raw 32-byte Ed25519 public key")
    pem: str
