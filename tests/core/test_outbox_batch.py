"""Batching consumers: several deliveries per transaction, each settled on its own."""

from __future__ import annotations

import pytest
from django.db import transaction

from marquee.core import outbox
from marquee.core.models import EventDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_mode(settings):
    settings.MARQUEE_OUTBOX_MODE = "worker"


def _publish(n: int) -> None:
    with transaction.atomic():
        outbox.publish_many(
            "test.batched", aggregate="thing", items=[(i, {"n": i}) for i in range(n)]
        )


def test_a_batching_consumer_takes_many_deliveries_per_claim(register_consumer, worker_mode):
    seen: list[int] = []
    register_consumer("batched", ["test.batched"], lambda e: seen.append(e.payload["n"]), batch=4)
    _publish(10)
    assert outbox.drain(limit=4) == 4  # one claim of four
    assert seen == [0, 1, 2, 3]
    assert outbox.drain() == 6
    assert seen == list(range(10))
    rows = EventDelivery.objects.filter(consumer="batched")
    assert {(d.status, d.attempts) for d in rows} == {("done", 1)}
    assert all(d.processed_at is not None for d in rows)


def test_one_failure_in_a_batch_fails_alone(register_consumer, worker_mode):
    def fn(event):
        if event.payload["n"] == 2:
            raise RuntimeError("bad event")

    register_consumer("batched-failing", ["test.batched"], fn, batch=10)
    _publish(5)
    assert outbox.drain() == 5
    rows = {d.event.payload["n"]: d for d in EventDelivery.objects.select_related("event")}
    assert rows[2].status == "pending" and rows[2].attempts == 1
    assert "bad event" in rows[2].last_error
    assert {rows[n].status for n in (0, 1, 3, 4)} == {"done"}


@pytest.mark.parametrize("batch", [0, -1, True, 10_001])
def test_batch_must_be_a_sensible_int(batch):
    with pytest.raises(ValueError, match="batch"):
        outbox.consumer("x", events=["a"], batch=batch)(lambda e: None)


def test_a_bulk_consumer_gets_the_batch_whole_and_one_by_one_after_a_failure(
    register_consumer, worker_mode
):
    calls: list[list[int]] = []

    def fn(events):
        ns = [e.payload["n"] for e in events]
        calls.append(ns)
        if 3 in ns:
            raise RuntimeError("bad event")

    register_consumer("bulk", ["test.batched"], fn, batch=3, bulk=True)
    _publish(6)
    assert outbox.drain() == 6
    # [0, 1, 2] whole; [3, 4, 5] whole fails, then each alone: only 3 fails.
    assert calls == [[0, 1, 2], [3, 4, 5], [3], [4], [5]]
    rows = {d.event.payload["n"]: d for d in EventDelivery.objects.select_related("event")}
    assert rows[3].status == "pending" and rows[3].attempts == 1
    assert {rows[n].status for n in (0, 1, 2, 4, 5)} == {"done"}
    assert {rows[n].attempts for n in (0, 1, 2, 4, 5)} == {1}
