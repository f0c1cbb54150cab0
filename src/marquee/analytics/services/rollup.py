"""The live box-office rollup: ticketing events in, ``BoxOfficeFact`` rows out, exactly once.

Each event becomes one or two *deltas* (a showtime, the moment, tickets and
gross to add): an order paid adds its tickets and subtotal on its paid day; a
refunded ticket subtracts its price on the day of the refund; an exchanged
ticket subtracts its old price from the old showtime and adds its new price to
the new one. The event's id is recorded in ``AppliedEvent`` (unique) in the
same transaction as the deltas, so a redelivered or replayed event changes
nothing. Gross is the tickets' face value; service fees are not box office.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from marquee.analytics.models import AppliedEvent, BoxOfficeFact, Source
from marquee.core.models import OutboxEvent
from marquee.ticketing import events as ticket_events
from marquee.ticketing.models import Showtime

#: The ticketing events that move box office.
EVENT_TYPES = (
    ticket_events.ORDER_PAID,
    ticket_events.TICKET_REFUNDED,
    ticket_events.TICKET_EXCHANGED,
)


@dataclass(frozen=True)
class Delta:
    """Tickets and gross (minor units) to add to a showtime at a moment (negative to remove)."""

    showtime_id: int
    at: dt.datetime
    tickets: int
    gross_minor: int


def _moment(text: str | None, fallback: dt.datetime) -> dt.datetime:
    if not text:
        return fallback
    return dt.datetime.fromisoformat(text)


def deltas_of(event: OutboxEvent) -> list[Delta]:
    """What ``event`` changes in the box office (nothing for other event types)."""
    p = event.payload
    if event.type == ticket_events.ORDER_PAID:
        at = _moment(p.get("paid_at"), event.created_at)
        return [Delta(int(p["showtime_id"]), at, int(p["tickets"]), int(p["subtotal_minor"]))]
    if event.type == ticket_events.TICKET_REFUNDED:
        return [Delta(int(p["showtime_id"]), event.created_at, -1, -int(p["price_minor"]))]
    if event.type == ticket_events.TICKET_EXCHANGED:
        return [
            Delta(int(p["old_showtime_id"]), event.created_at, -1, -int(p["old_price_minor"])),
            Delta(int(p["new_showtime_id"]), event.created_at, 1, int(p["new_price_minor"])),
        ]
    return []


def apply_events(events: Iterable[OutboxEvent]) -> int:
    """Apply each event not applied before; returns how many were applied.

    Runs in one transaction (the consumer's savepoint, or its own). An event
    already in ``AppliedEvent`` is skipped: that is what makes redelivery and
    replay harmless. The unique ``event_id`` stands behind the check.
    """
    events = [e for e in events if e.type in EVENT_TYPES]
    if not events:
        return 0
    with transaction.atomic():
        seen = set(
            AppliedEvent.objects.filter(event_id__in=[e.pk for e in events]).values_list(
                "event_id", flat=True
            )
        )
        fresh = [e for e in events if e.pk not in seen]
        if not fresh:
            return 0
        now = timezone.now()
        AppliedEvent.objects.bulk_create(
            [AppliedEvent(event_id=e.pk, applied_at=now) for e in fresh]
        )
        _add([d for e in fresh for d in deltas_of(e)], now=now)
    return len(fresh)


def _add(deltas: list[Delta], *, now: dt.datetime) -> None:
    showtimes = {
        s.pk: s
        for s in Showtime.objects.select_related("venue").filter(
            pk__in={d.showtime_id for d in deltas}
        )
    }
    totals: dict[tuple[int, dt.date], list[int]] = defaultdict(lambda: [0, 0])
    for delta in deltas:
        showtime = showtimes[delta.showtime_id]
        zone = ZoneInfo(showtime.venue.time_zone)
        key = (showtime.pk, delta.at.astimezone(zone).date())
        totals[key][0] += delta.tickets
        totals[key][1] += delta.gross_minor
    for (showtime_id, sale_day), (tickets, gross) in sorted(totals.items()):
        _upsert(showtimes[showtime_id], sale_day, tickets, gross, now)


def _upsert(
    showtime: Showtime, sale_day: dt.date, tickets: int, gross: int, now: dt.datetime
) -> None:
    """Add to the (showtime, sale day) row: one conditional UPDATE, else an INSERT.

    Two workers inserting the same new row: the unique constraint refuses the
    second (in its savepoint), which then adds with the UPDATE.
    """
    row = BoxOfficeFact.objects.filter(showtime_id=showtime.pk, sale_day=sale_day)
    changes = {
        "tickets": F("tickets") + tickets,
        "gross_minor": F("gross_minor") + gross,
        "updated_at": now,
    }
    if row.update(**changes):
        return
    venue = showtime.venue
    try:
        with transaction.atomic():
            BoxOfficeFact.objects.create(
                source=Source.LIVE,
                showtime=showtime,
                title_id=showtime.title_id,
                venue=venue,
                chain_id=venue.chain_id,
                city_id=venue.city_id,
                format=showtime.format,
                show_day=showtime.starts_at.astimezone(ZoneInfo(venue.time_zone)).date(),
                sale_day=sale_day,
                currency=showtime.currency,
                tickets=tickets,
                gross_minor=gross,
                updated_at=now,
            )
    except IntegrityError:
        if not row.update(**changes):
            raise


def _events_in_order(chunk: int = 2000) -> Iterator[list[OutboxEvent]]:
    last = 0
    while True:
        batch = list(
            OutboxEvent.objects.filter(type__in=EVENT_TYPES, pk__gt=last).order_by("pk")[:chunk]
        )
        if not batch:
            return
        yield batch
        last = batch[-1].pk


@dataclass(frozen=True)
class Rebuilt:
    events: int
    rows: int


def rebuild_box_office() -> Rebuilt:
    """Throw the live rollup away and replay every ticketing event from the outbox.

    One transaction: readers see the old figures until the new ones commit.
    History rows are not touched (they come from no event). Returns how many
    events were applied and how many live rows now exist.
    """
    with transaction.atomic():
        BoxOfficeFact.objects.filter(source=Source.LIVE).delete()
        AppliedEvent.objects.all().delete()
        applied = sum(apply_events(batch) for batch in _events_in_order())
        rows = BoxOfficeFact.objects.filter(source=Source.LIVE).count()
    return Rebuilt(events=applied, rows=rows)
