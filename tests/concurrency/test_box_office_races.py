"""The box-office rollup under concurrent workers (PostgreSQL): no sale counted twice or lost.

Workers applying different events of one showtime race to create its
(showtime, sale day) row: one INSERT wins, the others meet the unique
constraint in their savepoint and add with the conditional UPDATE. Workers
applying the same event race on ``AppliedEvent``'s unique id: one applies it.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from marquee.analytics.models import AppliedEvent, BoxOfficeFact
from marquee.analytics.services.rollup import apply_events
from marquee.core import outbox
from marquee.core.models import OutboxEvent
from marquee.ticketing import events
from tests.ticketing.conftest import build_world, make_showtime

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
RACERS = 8


def _paid_events(showtime, count: int) -> list[int]:
    now = timezone.now()
    ids = []
    with transaction.atomic():
        for n in range(count):
            event = outbox.publish(
                events.ORDER_PAID,
                aggregate="order",
                aggregate_id=10_000 + n,
                payload={
                    "order_id": 10_000 + n,
                    "showtime_id": showtime.pk,
                    "tickets": 2,
                    "subtotal_minor": 9_000,
                    "paid_at": now.isoformat(),
                },
            )
            ids.append(event.pk)
    return ids


def _apply(event_id: int) -> int:
    return apply_events([OutboxEvent.objects.get(pk=event_id)])


def _totals() -> tuple[int, int]:
    row = BoxOfficeFact.objects.aggregate(t=Sum("tickets"), g=Sum("gross_minor"))
    return row["t"] or 0, row["g"] or 0


def test_workers_adding_to_one_new_row_lose_nothing(make_user, settings):
    settings.MARQUEE_OUTBOX_MODE = "worker"  # the test plays the workers
    showtime = make_showtime(build_world(make_user))
    ids = _paid_events(showtime, RACERS)
    outcomes = race([lambda i=i: _apply(i) for i in ids])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert BoxOfficeFact.objects.count() == 1
    assert _totals() == (2 * RACERS, 9_000 * RACERS)
    outbox.drain()  # the consumer's own deliveries now find every event applied
    assert _totals() == (2 * RACERS, 9_000 * RACERS)


def test_workers_applying_one_event_apply_it_once(make_user, settings):
    settings.MARQUEE_OUTBOX_MODE = "worker"
    showtime = make_showtime(build_world(make_user))
    [event_id] = _paid_events(showtime, 1)
    outcomes = race([lambda: _apply(event_id) for _ in range(RACERS)])
    applied = sum(o.value for o in outcomes if o.ok)
    # The losers either saw it applied (0) or met the unique id (an error: retried later).
    assert applied == 1
    assert AppliedEvent.objects.filter(event_id=event_id).count() == 1
    assert _totals() == (2, 9_000)
