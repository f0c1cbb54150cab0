"""Concurrent drainers on PostgreSQL: each delivery is claimed by exactly one of them.

SQLite has a single writer (BEGIN IMMEDIATE serialises drainers), so these
tests need PostgreSQL, where SELECT … FOR UPDATE SKIP LOCKED does the work.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from marquee.core import outbox
from marquee.core.models import EventDelivery
from tests.core.helpers import echo, echoes, publish_now

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite allows one writer, so drainers cannot race")
    settings.MARQUEE_OUTBOX_MODE = "worker"


def run_in_threads(n: int, fn: Callable[[], int]) -> list[int]:
    """Run ``fn`` in ``n`` threads released together; return their results."""
    start = threading.Barrier(n)
    results: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target() -> None:
        try:
            start.wait(timeout=10)
            value = fn()
            with lock:
                results.append(value)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_concurrent_drains_run_each_delivery_once(register_consumer):
    calls: Counter[tuple[str, int]] = Counter()
    calls_lock = threading.Lock()

    def make(name: str) -> Callable:
        def consume(event) -> None:
            with calls_lock:
                calls[(name, event.pk)] += 1
            echo(event, name)
            time.sleep(0.002)  # widen the window for overlaps

        return consume

    register_consumer("ledger", ["test.happened"], make("ledger"))
    register_consumer("rollups", ["test.happened"], make("rollups"))
    events = [publish_now(aggregate_id=n) for n in range(30)]

    results = run_in_threads(4, outbox.drain)

    assert sum(results) == 60
    assert len(calls) == 60
    assert set(calls.values()) == {1}
    for event in events:
        assert echoes("ledger", event) == 1
        assert echoes("rollups", event) == 1
    assert set(EventDelivery.objects.values_list("status", "attempts").distinct()) == {("done", 1)}


@pytest.mark.parametrize("guarded", [True, False], ids=["with-row-lock", "control-without-lock"])
def test_the_row_lock_is_what_prevents_double_processing(register_consumer, monkeypatch, guarded):
    if not guarded:
        # The control: claim without FOR UPDATE SKIP LOCKED and the race is real.
        monkeypatch.setattr(outbox, "_lock", lambda queryset: queryset)
    rendezvous = threading.Barrier(2)
    calls: list[int] = []

    def slow(event) -> None:
        calls.append(event.pk)
        # Wait for a second drainer inside the consumer; it never comes
        # when the row is locked, so the wait times out.
        with contextlib.suppress(threading.BrokenBarrierError):
            rendezvous.wait(timeout=1.5)

    register_consumer("slow", ["test.happened"], slow)
    event = publish_now()

    results = run_in_threads(2, outbox.drain)

    if guarded:
        assert calls == [event.pk]
        assert sorted(results) == [0, 1]
    else:
        assert calls == [event.pk, event.pk]
        assert sorted(results) == [1, 1]
    assert EventDelivery.objects.get(event=event).status == "done"
