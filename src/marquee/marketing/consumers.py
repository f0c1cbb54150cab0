"""Outbox consumers of the marketing domain (autodiscovered by ``core.outbox``)."""

from __future__ import annotations

import datetime as dt

from marquee.core.models import OutboxEvent
from marquee.core.outbox import consumer
from marquee.marketing.services import settle
from marquee.ticketing import events as ticket_events


@consumer(
    "marketing.vouchers",
    events=[
        ticket_events.ORDER_PAID,
        ticket_events.TICKET_REFUNDED,
        ticket_events.TICKET_EXCHANGED,
    ],
)
def settle_vouchers(event: OutboxEvent) -> None:
    """Finalise or give back a voucher's redemption and post its funder (exactly once)."""
    payload = event.payload
    day = event.created_at.astimezone(dt.UTC).date()
    if event.type == ticket_events.ORDER_PAID:
        if payload.get("discount_minor"):
            settle.order_paid(event_id=event.pk, day=day, payload=payload, now=event.created_at)
        return
    if event.type == ticket_events.TICKET_EXCHANGED:
        settle.ticket_exchanged(event_id=event.pk, day=day, payload=payload)
        return
    settle.ticket_refunded(event_id=event.pk, day=day, payload=payload, now=event.created_at)
