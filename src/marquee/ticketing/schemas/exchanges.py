"""Exchanges for another showtime of the same film."""

from __future__ import annotations

from ninja import Field, Schema

from marquee.ticketing.schemas._common import Id
from marquee.ticketing.schemas.orders import OrderOut, TicketOut


class ExchangeIn(Schema):
    ticket_ids: list[Id] = Field(..., min_length=1, max_length=100)
    showtime_id: Id = Field(..., description="Another showtime of the same film, same cinema")
    seats: list[str] = Field(..., max_length=100, description='New seat codes, e.g. ["6-4"]')


class ExchangeOut(Schema):
    order_id: int
    order_status: str
    exchange_id: int
    new_order: OrderOut
    tickets: list[TicketOut]
    refunded_minor: int = Field(..., description="The price difference given back (0 if none)")
    currency: str
