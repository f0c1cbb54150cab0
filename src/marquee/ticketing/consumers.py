"""Outbox consumers of the ticketing domain's own events.

``ticketing.waitlist``: a refunded or exchanged ticket puts its seat back on
sale, so the showtime's waiting list is offered the freed seats. Exactly once
in effect: the offer claims the seats by the inventory's conditional UPDATE,
so a redelivered or replayed event finds them held already and offers nothing
more (``tests/ticketing/test_waitlist.py`` replays one).
"""

from __future__ import annotations

from marquee.core.models import OutboxEvent
from marquee.core.outbox import consumer
from marquee.ticketing import events
from marquee.ticketing.services import waitlist


@consumer(
    "ticketing.waitlist",
    events=[events.TICKET_REFUNDED, events.TICKET_EXCHANGED],
    batch=50,
    bulk=True,
)
def offer_freed_seats(batch: list[OutboxEvent]) -> None:
    """Offer the seats the events freed to the waiters of their showtimes (each showtime once)."""
    # A refund names its showtime; an exchange frees the seat of the one it leaves.
    freed = (
        e.payload.get("old_showtime_id" if e.type == events.TICKET_EXCHANGED else "showtime_id")
        for e in batch
    )
    showtimes = sorted({int(pk) for pk in freed if pk})
    for showtime_id in showtimes:
        waitlist.offer_freed_seats(showtime_id=showtime_id)
