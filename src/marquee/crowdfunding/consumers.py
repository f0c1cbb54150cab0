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
from marquee.crowdfunding.ledger import entry_for, payout_paid_entry
from marquee.crowdfunding.models import ReturnPayout
from marquee.crowdfunding.services.payouts import PAYOUT_PURPOSE
from marquee.finance.services import post_entries
from marquee.payments import events as payment_events


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


@consumer("crowdfunding.ledger.payouts", events=[payment_events.PAYOUT_PAID], batch=100, bulk=True)
def post_return_payouts(batch: list[OutboxEvent]) -> None:
    """A backer's returns left the bank: clear the payable (other purposes are not ours)."""
    ours = [e for e in batch if e.payload.get("purpose") == PAYOUT_PURPOSE]
    shares = {
        s.payout_id: s
        for s in ReturnPayout.objects.filter(
            payout_id__in=[e.payload["payout_id"] for e in ours]
        ).select_related("run__offering__project")
    }
    post_entries(
        [
            payout_paid_entry(
                event_id=e.pk,
                day=e.created_at.astimezone(dt.UTC).date(),
                payload=e.payload,
                project=shares[e.payload["payout_id"]].run.offering.project.slug,
                title_id=shares[e.payload["payout_id"]].run.offering.project.title_id,
                share_id=shares[e.payload["payout_id"]].pk,
            )
            for e in ours
        ]
    )
