"""Races on PostgreSQL: concurrent issues drawing the same pickup code.

Every racer's first draw is the same code, so their pre-insert reads all find
it free; the unique constraint (showtime, pickup_code) lets one insert through
and the others retry with fresh codes inside their savepoints. No payment
fails and no two tickets of the showtime share a code. The control runs the
same race with a single attempt: the clashes then fail the issue, proof that
the race is real and that the retry is what wins it.
"""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError

from marquee.ticketing.models import Order, Ticket
from marquee.ticketing.pickup import new_pickup_code
from marquee.ticketing.services import fulfilment, holds, orders
from tests.ticketing.conftest import build_world, make_showtime

from .conftest import race
from .test_ticketing_races import _pay_callback

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

RACERS = 6
SAME = "7777777777"


def _racing_orders(make_user, monkeypatch):
    """RACERS pending orders of one showtime, each racer's first pickup-code draw ``SAME``."""
    world = build_world(make_user)
    showtime = make_showtime(world)
    pending = []
    for i in range(RACERS):
        buyer = make_user()
        hold = holds.place_hold(showtime=showtime, seat_codes=[f"3-{i + 1}"], user=buyer).hold
        pending.append(orders.place_order(hold=hold, user=buyer).order)
    first_draw = threading.local()

    def same_code_first() -> str:
        if not getattr(first_draw, "done", False):
            first_draw.done = True
            return SAME
        return new_pickup_code()

    monkeypatch.setattr(fulfilment, "new_pickup_code", same_code_first)
    return showtime, pending


def test_concurrent_issues_drawing_one_code_all_succeed_with_distinct_codes(make_user, monkeypatch):
    showtime, pending = _racing_orders(make_user, monkeypatch)
    outcomes = race([_pay_callback(order) for order in pending])
    assert all(o.ok and o.value is True for o in outcomes), [o.error for o in outcomes]
    assert Order.objects.filter(pk__in=[o.pk for o in pending], status="paid").count() == RACERS
    codes = list(Ticket.objects.filter(showtime=showtime).values_list("pickup_code", flat=True))
    assert len(codes) == RACERS and len(set(codes)) == RACERS
    assert codes.count(SAME) == 1


def test_control_without_the_retry_a_clash_fails_the_issue(make_user, monkeypatch):
    _, pending = _racing_orders(make_user, monkeypatch)
    monkeypatch.setattr(fulfilment, "PICKUP_CODE_ATTEMPTS", 1)
    outcomes = race([_pay_callback(order) for order in pending])
    failed = [o.error for o in outcomes if not o.ok]
    assert failed, "every racer's read saw the code free, so some insert must clash"
    assert all(isinstance(e, IntegrityError) for e in failed), failed
