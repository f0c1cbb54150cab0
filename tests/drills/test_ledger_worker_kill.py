"""Drill: the outbox worker killed with SIGKILL in the middle of posting to the ledger.

A flash sale's worth of ``ticketing.order_paid`` events waits in the outbox;
``marquee worker`` posts them and is killed while it does. Its transaction in
flight dies with the connection, so the delivery it held stays pending and
the entry it was writing never commits. A second worker finishes the rest.
Afterwards every event has exactly one entry, every delivery is done, and
the running balances equal the sums of the lines. Then a few deliveries are
delivered again (as after a crash between commit and acknowledgement would
be, were it possible): nothing is posted twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
from bench.server import BIN, server_env
from django.db import connection, transaction
from django.db.models import Count, Sum

from marquee.core import outbox
from marquee.core.models import EventDelivery, OutboxEvent
from marquee.finance.chart import ensure_chart
from marquee.finance.models import Balance, JournalEntry, JournalLine
from marquee.ticketing import events as ticket_events

from .conftest import database_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

EVENTS = 1000
CONSUMER = "finance.ledger.ticketing"


def _publish_sale(n: int) -> None:
    items = [
        (
            i,
            {
                "order_id": i,
                "venue_id": 1 + i % 7,
                "title_id": 1 + i % 3,
                "currency": "CNY",
                "subtotal_minor": 4500 * (1 + i % 2),
                "fees_minor": 300 * (1 + i % 2),
                "total_minor": 4800 * (1 + i % 2),
            },
        )
        for i in range(1, n + 1)
    ]
    with transaction.atomic():
        outbox.publish_many(ticket_events.ORDER_PAID, aggregate="order", items=items)


def _worker() -> subprocess.Popen:
    env = server_env(database_url(), extra={"MARQUEE_OUTBOX_MODE": "worker"})
    return subprocess.Popen(  # noqa: S603 - our own console script
        [str(BIN / "marquee"), "worker", "--batch", "25", "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _posted() -> int:
    return JournalEntry.objects.filter(source="ticketing.order_paid").count()


def test_sigkill_of_the_worker_mid_batch_loses_nothing_and_posts_nothing_twice(settings):
    settings.MARQUEE_OUTBOX_MODE = "worker"
    ensure_chart()
    _publish_sale(EVENTS)
    connection.close()

    first = _worker()
    try:
        deadline = time.monotonic() + 60
        while _posted() < EVENTS // 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
    at_kill = _posted()
    assert 0 < at_kill < EVENTS, f"the kill should land mid-run, not at {at_kill}"
    # What committed is consistent: a done delivery for every entry, and no more.
    done = EventDelivery.objects.filter(consumer=CONSUMER, status="done").count()
    assert done == at_kill

    second = _worker()
    try:
        deadline = time.monotonic() + 90
        while _posted() < EVENTS and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        os.kill(second.pid, signal.SIGTERM)
        second.wait(30)

    assert _posted() == EVENTS
    assert not EventDelivery.objects.filter(consumer=CONSUMER).exclude(status="done").exists()
    per_event = (
        JournalEntry.objects.filter(source="ticketing.order_paid")
        .values("source_event_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not per_event.exists()
    event_ids = set(
        OutboxEvent.objects.filter(type=ticket_events.ORDER_PAID).values_list("id", flat=True)
    )
    assert {
        int(e) for e in JournalEntry.objects.values_list("source_event_id", flat=True)
    } == event_ids

    # Delivered again: the consumer finds each entry and posts nothing. (The other
    # consumers of order_paid — box office, vouchers — are not under test: their
    # deliveries of these synthetic events are set aside.)
    EventDelivery.objects.exclude(consumer=CONSUMER).update(status=EventDelivery.Status.FAILED)
    again = list(EventDelivery.objects.filter(consumer=CONSUMER).order_by("id")[:20])
    EventDelivery.objects.filter(pk__in=[d.pk for d in again]).update(status="pending")
    assert outbox.drain() == 20
    assert _posted() == EVENTS

    lines = JournalLine.objects.aggregate(d=Sum("debit_minor"), c=Sum("credit_minor"))
    rollup = Balance.objects.aggregate(d=Sum("debit_minor"), c=Sum("credit_minor"))
    assert lines == rollup
    assert lines["d"] == lines["c"] == sum(4800 * (1 + i % 2) for i in range(1, EVENTS + 1))
