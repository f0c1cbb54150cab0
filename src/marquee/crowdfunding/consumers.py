"""Outbox consumers of crowdfunding: its money events post to the ledger, exactly once.

The consumer runs in the transaction that marks its delivery done and posts
with the event's id as ``source_event_id``, so a redelivered or replayed event
finds its entry already there and posts nothing.
"""

from __future__ import annotations

import datetime as dt

from marquee.core.models import OutboxEvent
from marquee.core.outbox import consumer
from marquee.crowdfunding import events
from marquee.crowdfunding.ledger import entry_for
from marquee.finance.services import post_entries


@consumer("crowdfunding.ledger", events=list(events.MONEY), batch=100, bulk=True)
def post_crowdfunding_events(batch: list[OutboxEvent]) -> None:
    """Post the entries of a batch of crowdfunding money events together."""
    post_entries(
        [
            entry_for(
                event_type=e.type,
                event_id=e.pk,
                day=e.created_at.astimezone(dt.UTC).date(),
                payload=e.payload,
            )
            for e in batch
        ]
    )
