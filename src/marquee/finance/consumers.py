"""Outbox consumers: every money movement of the other domains posts to the ledger.

Each consumer runs inside the transaction that marks its delivery done, and
posts with the event's id as ``source_event_id``: a redelivery after a crash
(or a replay) finds the entry already there and posts nothing.
"""

from __future__ import annotations

from django.conf import settings

from marquee.core.models import OutboxEvent
from marquee.core.outbox import consumer
from marquee.finance.services import ticketing as rules
from marquee.payments import events as payment_events
from marquee.ticketing import events as ticket_events

_TICKETING = {
    ticket_events.ORDER_PAID: rules.post_order_paid,
    ticket_events.TICKET_REFUNDED: rules.post_ticket_refunded,
    ticket_events.TICKET_EXCHANGED: rules.post_ticket_exchanged,
}


@consumer("finance.ledger.ticketing", events=[*_TICKETING, ticket_events.SETTLEMENT_PAID])
def post_ticketing_event(event: OutboxEvent) -> None:
    day = rules.event_day(event.created_at)
    if event.type == ticket_events.SETTLEMENT_PAID:
        rules.post_settlement_paid(
            event_id=event.pk,
            day=day,
            payload=event.payload,
            studio_titles=studio_distributed_titles(event.payload),
        )
        return
    _TICKETING[event.type](event_id=event.pk, day=day, payload=event.payload)


@consumer("finance.ledger.gateway_fees", events=[payment_events.PAYMENT_SUCCEEDED])
def post_gateway_fee(event: OutboxEvent) -> None:
    rules.post_gateway_fee(
        event_id=event.pk, day=rules.event_day(event.created_at), payload=event.payload
    )


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
