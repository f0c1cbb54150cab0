"""Races on PostgreSQL: one account checking out the same showtime many times at once.

One order to pay at a time (issue 14): however many checkouts of one account
race for a showtime, exactly one pending order comes out and every other
checkout holds nothing. The guard is the account's hold-quota row, written
(and so locked) by the order's transaction before it looks for another
pending order; the control turns it off and two orders slip through.
"""

from __future__ import annotations

import contextlib
import threading

import pytest

from marquee.core.errors import Conflict
from marquee.ticketing.models import Order, SeatInventory
from marquee.ticketing.services import holds
from marquee.ticketing.services._common import Guard, without_guard
from marquee.ticketing.services.checkout import start_checkout
from tests.ticketing.conftest import build_world, make_showtime

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

#: Six different standard seats: within the cap of seats held at once, so only the
#: pending-order rule can refuse a checkout.
SEATS = [f"2-{n}" for n in range(1, 7)]


@pytest.fixture
def showtime(make_user):
    return make_showtime(build_world(make_user))


def _checkouts(showtime, fan):
    return [
        lambda code=code: start_checkout(showtime=showtime, seat_codes=[code], user=fan).pk
        for code in SEATS
    ]


def test_racing_checkouts_of_one_account_open_exactly_one_order(showtime, make_user):
    fan = make_user()
    outcomes = race(_checkouts(showtime, fan))
    assert sum(o.ok for o in outcomes) == 1
    errors = [o.error for o in outcomes if not o.ok]
    assert all(isinstance(e, Conflict) and e.code == "pending_order_exists" for e in errors), errors
    order = Order.objects.get(user=fan)
    assert order.status == Order.Status.PENDING
    # Every refused checkout gave its seat back: only the order's seat is held.
    held = SeatInventory.objects.filter(showtime=showtime, state="held")
    assert list(held.values_list("hold_id", flat=True)) == [order.hold_id]


def test_control_without_the_guard_two_orders_slip_through(showtime, make_user, monkeypatch):
    fan = make_user()
    # Every racer holds its seat, then all check for another pending order together:
    # without the quota lock none sees the others' uncommitted orders (left to chance,
    # the checkouts sometimes did not overlap and the control proved nothing).
    together = threading.Barrier(len(SEATS))
    check = holds.require_no_other_pending_order

    def check_when_everyone_holds(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait(timeout=10)
        return check(*args, **kwargs)

    monkeypatch.setattr(holds, "require_no_other_pending_order", check_when_everyone_holds)
    with without_guard(Guard.HELD_SEATS_CAP):  # the same services, the quota lock skipped
        outcomes = race(_checkouts(showtime, fan))
    assert sum(o.ok for o in outcomes) > 1, "without the lock the check should race"
    assert Order.objects.filter(user=fan, status=Order.Status.PENDING).count() > 1
