"""Event types the ticketing domain writes to the outbox, and the one place that writes them.

Every event is published inside the transaction of the change it describes
(invariant 4), so a rolled-back change leaves no event behind.
"""

from __future__ import annotations

from typing import Any

ORDER_PAID = "ticketing.order_paid"
TICKET_ISSUED = "ticketing.ticket_issued"
SHOWTIME_CANCELLED = "ticketing.showtime_cancelled"
# Published by the refund, exchange and check-in services.
TICKET_REFUNDED = "ticketing.ticket_refunded"
TICKET_EXCHANGED = "ticketing.ticket_exchanged"
TICKET_CHECKED_IN = "ticketing.ticket_checked_in"
# Published by services.settlement.mark_settlement_paid (the finance ledger posts it).
SETTLEMENT_PAID = "ticketing.settlement_paid"

ALL = (
    ORDER_PAID,
    TICKET_ISSUED,
    SHOWTIME_CANCELLED,
    TICKET_REFUNDED,
    TICKET_EXCHANGED,
    TICKET_CHECKED_IN,
    SETTLEMENT_PAID,
)


def publish(type: str, *, aggregate: str, aggregate_id: Any, payload: dict[str, Any]) -> None:
    """Write one ticketing event to the outbox; call inside the service's transaction."""
    from marquee.core import outbox

    outbox.publish(type, aggregate=aggregate, aggregate_id=aggregate_id, payload=payload)


def publish_many(type: str, *, aggregate: str, items: list[tuple[Any, dict[str, Any]]]) -> None:
    """Several ticketing events of one type (``(aggregate_id, payload)`` each) in one INSERT."""
    from marquee.core import outbox

    outbox.publish_many(type, aggregate=aggregate, items=items)


def ticket_fields(ticket: Any, *, order: Any, showtime: Any, seat: str) -> dict[str, Any]:
    """The fields every ``ticketing.ticket_*`` event carries about its ticket."""
    return {
        "ticket_id": ticket.pk,
        "order_id": order.pk,
        "user_id": order.user_id,
        "showtime_id": showtime.pk,
        "title_id": showtime.title_id,
        "venue_id": showtime.venue_id,
        "seat": seat,
    }
