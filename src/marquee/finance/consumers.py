"""Outbox consumers: every money movement of the other domains posts to the ledger.

Each consumer runs inside the transaction that marks its delivery done, and
posts with the event's id as ``source_event_id``: a redelivery after a crash
(or a replay) finds the entry already there and posts nothing.
"""

from __future__ import annotations

from django.conf import settings

from marquee.core.models import OutboxEvent
from marquee.core.outbox import consumer
from marquee.finance.services import EntryRequest, post_entries
from marquee.finance.services import ticketing as rules
from marquee.payments import events as payment_events
from marquee.ticketing import events as ticket_events

_TICKETING = {
    ticket_events.ORDER_PAID: rules.order_paid_entry,
    ticket_events.TICKET_REFUNDED: rules.ticket_refunded_entry,
    ticket_events.TICKET_EXCHANGED: rules.ticket_exchanged_entry,
}

#: Deliveries a drainer posts per transaction: a flash sale's entries share statements.
BATCH = 200


def ticketing_entry(event: OutboxEvent) -> EntryRequest | None:
    """The entry a ticketing event posts (None when no money moved)."""
    day = rules.event_day(event.created_at)
    if event.type == ticket_events.SETTLEMENT_PAID:
        return rules.settlement_paid_entry(
            event_id=event.pk,
            day=day,
            payload=event.payload,
            studio_titles=studio_distributed_titles(event.payload),
        )
    return _TICKETING[event.type](event_id=event.pk, day=day, payload=event.payload)


@consumer(
    "finance.ledger.ticketing",
    events=[*_TICKETING, ticket_events.SETTLEMENT_PAID],
    batch=BATCH,
    bulk=True,
)
def post_ticketing_events(events: list[OutboxEvent]) -> None:
    post_entries([e for e in map(ticketing_entry, events) if e is not None])


@consumer(
    "finance.ledger.gateway_fees",
    events=[payment_events.PAYMENT_SUCCEEDED],
    batch=BATCH,
    bulk=True,
)
def post_gateway_fees(events: list[OutboxEvent]) -> None:
    entries = (
        rules.gateway_fee_entry(event_id=e.pk, day=rules.event_day(e.created_at), payload=e.payload)
        for e in events
    )
    post_entries([e for e in entries if e is not None])


def studio_distributed_titles(payload: dict) -> set[int]:
    """Of the settlement's titles, those the studio distributes in the venue's territory.

    The studio is the catalog company ``settings.MARQUEE_FINANCE_STUDIO_COMPANY``
    (a slug); a distributor credit with no territory counts everywhere.
    """
    from django.db.models import Q

    from marquee.catalog.models import Credit
    from marquee.venues.models import Venue

    title_ids = [line["title_id"] for line in payload.get("titles", [])]
    if not title_ids:
        return set()
    territory = (
        Venue.objects.filter(pk=payload["venue_id"])
        .values_list("city__territory", flat=True)
        .first()
    )
    slug = getattr(settings, "MARQUEE_FINANCE_STUDIO_COMPANY", "marquee-pictures")
    return set(
        Credit.objects.filter(
            Q(territory="") | Q(territory=territory or ""),
            title_id__in=title_ids,
            company__slug=slug,
            role=Credit.Role.DISTRIBUTOR,
        ).values_list("title_id", flat=True)
    )
