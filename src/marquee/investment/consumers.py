"""Outbox consumers: box office and licence fees flow into the titles' waterfalls, once.

Each receipt's ``source_key`` is the outbox event's id (and the title, for a
settlement that covers several), unique in the table: a replayed or
redelivered event finds its receipt and adds nothing.
"""

from __future__ import annotations

import datetime as dt

from marquee.core.models import OutboxEvent
from marquee.core.money import Money
from marquee.core.outbox import consumer
from marquee.investment import events
from marquee.investment.models import Project, Receipt
from marquee.investment.services.revenue import projects_of_titles, receive
from marquee.ticketing import events as ticket_events

#: The consumer that feeds a settled day into the waterfall (``live`` asks whether it has run).
BOX_OFFICE_CONSUMER = "investment.waterfall.box_office"


def _day(event: OutboxEvent, field: str) -> dt.date:
    raw = event.payload.get(field)
    if isinstance(raw, str):
        return dt.date.fromisoformat(raw)
    return event.created_at.astimezone(dt.UTC).date()


@consumer(BOX_OFFICE_CONSUMER, events=[ticket_events.SETTLEMENT_PAID])
def box_office_into_waterfalls(event: OutboxEvent) -> None:
    """The distributor's share of a cinema's settled day, per title, into its waterfall."""
    payload = event.payload
    lines = [line for line in payload.get("titles", []) if line["distributor_share_minor"] > 0]
    projects = projects_of_titles([line["title_id"] for line in lines])
    day = _day(event, "day")
    for line in lines:
        project = projects.get(line["title_id"])
        if project is None:
            continue
        receive(
            project=project,
            source=Receipt.Source.BOX_OFFICE,
            source_key=f"settlement:{event.pk}:{line['title_id']}",
            received_on=day,
            money=Money(line["distributor_share_minor"], payload["currency"]),
            description=f"Box office {payload['day']}, venue {payload['venue_id']}",
        )


@consumer("investment.waterfall.licence_fees", events=[events.LICENCE_FEE_RECEIVED])
def licence_fees_into_waterfalls(event: OutboxEvent) -> None:
    """A licence fee received for a title, into its waterfall."""
    payload = event.payload
    project: Project | None = projects_of_titles([payload["title_id"]]).get(payload["title_id"])
    if project is None:
        return
    receive(
        project=project,
        source=Receipt.Source.LICENCE,
        source_key=f"licence:{event.pk}",
        received_on=_day(event, "received_on"),
        money=Money(payload["amount_minor"], payload["currency"]),
        description=f"Licence fee from {str(payload.get('licensee', ''))[:200]}",
    )
