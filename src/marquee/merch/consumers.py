"""Outbox consumers of the merchandise events: the ledger and the royalty sub-ledger.

Both run exactly once per event: the ledger entry's ``source_event_id`` and the
sale record's unique ``(event_id, licence, category)`` make a replay a no-op.
"""

from __future__ import annotations

import datetime as dt

from marquee.core.models import OutboxEvent
from marquee.core.outbox import consumer
from marquee.finance.services import post_entries
from marquee.merch import events
from marquee.merch.models import SaleRecord
from marquee.merch.services.ledger import entry_for


def event_day(created_at: dt.datetime) -> dt.date:
    """The UTC day an event happened: the books keep UTC days."""
    return created_at.astimezone(dt.UTC).date()


@consumer("merch.ledger", events=list(events.ALL), batch=200, bulk=True)
def post_merch_events(batch: list[OutboxEvent]) -> None:
    entries = [
        entry_for(e.type, event_id=e.pk, day=event_day(e.created_at), payload=e.payload)
        for e in batch
    ]
    post_entries([e for e in entries if e is not None])


@consumer("merch.royalty_sales", events=[events.ORDER_PAID, events.ORDER_REFUNDED])
def record_sales(event: OutboxEvent) -> None:
    """One sale record per licence and category of the order (negative for a refund)."""
    sign = 1 if event.type == events.ORDER_PAID else -1
    SaleRecord.objects.bulk_create(
        [
            SaleRecord(
                event_id=event.pk,
                licence_id=line["licence_id"],
                category=line["category"],
                day=event_day(event.created_at),
                currency=event.payload["currency"],
                amount_minor=sign * line["amount_minor"],
                units=sign * line["units"],
            )
            for line in event.payload["lines"]
        ],
        ignore_conflicts=True,
    )
