"""Races on PostgreSQL: concurrent hall creation, and layout replacement against the lock."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from marquee.core.errors import Conflict
from marquee.venues import services
from marquee.venues.models import Hall
from tests.venues.conftest import small_layout

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks and concurrent writers (SQLite serialises writes)")


def _run(target, results, key):
    try:
        results[key] = target()
    except Exception as exc:
        results[key] = exc
    finally:
        connections.close_all()


def test_concurrent_creates_of_one_hall_name_yield_one_hall_and_one_conflict(two_chains):
    venue = two_chains["venue_a"]
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def create():
        barrier.wait()
        return services.create_hall(
            venue=venue, layout=small_layout("Contested"), actor=services.SYSTEM
        )

    threads = [threading.Thread(target=_run, args=(create, results, k)) for k in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["Conflict", "Hall"], results
    conflict = next(r for r in results.values() if isinstance(r, Conflict))
    assert conflict.code == "hall_name_taken"
    assert Hall.objects.filter(venue=venue, name="Contested").count() == 1


def test_replace_waits_for_the_lock_and_then_refuses(two_chains):
    hall = two_chains["hall_a"]
    locked = threading.Event()
    results: dict[str, object] = {}

    def publish():
        with transaction.atomic():
            services.lock_hall_layout(hall_id=hall.pk)
            locked.set()
            time.sleep(0.5)  # ticketing would create the seat inventory here
        return "published"

    def replace():
        locked.wait(10)
        started = time.monotonic()
        try:
            services.replace_hall_layout(
                hall=hall, layout=small_layout("Alpha Hall"), actor=services.SYSTEM
            )
        except Conflict as exc:
            return exc, time.monotonic() - started
        return "replaced", time.monotonic() - started

    a = threading.Thread(target=_run, args=(publish, results, "publish"))
    b = threading.Thread(target=_run, args=(replace, results, "replace"))
    a.start()
    b.start()
    a.join(30)
    b.join(30)
    assert results["publish"] == "published"
    outcome, waited = results["replace"]
    assert isinstance(outcome, Conflict) and outcome.code == "layout_locked"
    assert waited >= 0.3  # it queued behind the publishing transaction
    hall.refresh_from_db()
    assert hall.layout_version == 1 and hall.layout_locked


def test_control_without_the_lock_the_replacement_goes_through(two_chains):
    """The same interleaving with a transaction that does not lock: the replace succeeds.

    This shows the refusal above comes from the lock, not from the timing.
    """
    hall = two_chains["hall_a"]
    touched = threading.Event()
    results: dict[str, object] = {}

    def other_writer():
        with transaction.atomic():
            Hall.objects.filter(pk=hall.pk).update(formats=["2D", "3D"])
            touched.set()
            time.sleep(0.3)
        return "done"

    def replace():
        touched.wait(10)
        return services.replace_hall_layout(
            hall=hall, layout=small_layout("Alpha Hall"), actor=services.SYSTEM
        )

    a = threading.Thread(target=_run, args=(other_writer, results, "other"))
    b = threading.Thread(target=_run, args=(replace, results, "replace"))
    a.start()
    b.start()
    a.join(30)
    b.join(30)
    assert isinstance(results["replace"], Hall), results
    hall.refresh_from_db()
    assert hall.layout_version == 2 and not hall.layout_locked
