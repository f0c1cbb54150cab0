"""Outbox consumers of the analytics domain: ticketing events into the live box office.

Exactly once: the rollup records each event's id (unique) in the transaction
that adds its tickets, so a redelivery or replay adds nothing (services/rollup.py).
"""

from __future__ import annotations

from marquee.analytics.services.rollup import EVENT_TYPES, apply_events
from marquee.core.models import OutboxEvent
from marquee.core.outbox import consumer


@consumer("analytics.box_office", events=list(EVENT_TYPES), batch=200, bulk=True)
def roll_up_box_office(events: list[OutboxEvent]) -> None:
    apply_events(events)
