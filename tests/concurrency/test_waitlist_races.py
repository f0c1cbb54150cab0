"""Races on the waiting list, on PostgreSQL: sweeps offering the same freed seats at once.

The offer claims its seats with the seat inventory's conditional UPDATE (free
or held by a lapsed hold → held by the offer), whose row count decides, and
moves the entry ``waiting → offered`` with another: racing sweeps offer each
freed seat once, to the earliest waiters. A freed seat is also raced by buyers
on the seat map: it goes to the waiter or to one buyer, never both; the
control runs that race with the seat-claim guard off (the decision falls back
to a read) and gives the seat to more than one — proof that the race is real
and that the guard wins it. A last race pays for an accepted offer while
sweeps run: the paid order keeps its seat and gets its ticket.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from marquee.core.errors import Conflict
from marquee.payments.simulator.gateway import authorize_sim_payment
from marquee.ticketing.models import HoldSeat, Order, SeatInventory, Ticket, WaitlistEntry
from marquee.ticketing.services import holds, orders, waitlist
from marquee.ticketing.services._common import Guard, without_guard
from marquee.venues.models import Seat
from tests.ticketing.conftest import make_showtime

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SWEEPS = 12
FREED = ["2-3", "2-4", "2-5"]


@pytest.fixture
def waiters(showtime, make_user):
    """A sold-out showtime with six single waiters; then three seats come free silently."""
    SeatInventory.objects.filter(showtime=showtime).update(state=SeatInventory.State.SOLD)
    entries = [waitlist.join_waitlist(showtime=showtime, user=make_user()) for _ in range(6)]
    freed = Seat.objects.filter(hall_id=showtime.hall_id, row_label="2", number__in=["3", "4", "5"])
    SeatInventory.objects.filter(showtime=showtime, seat__in=freed).update(
        state=SeatInventory.State.FREE
    )
    return entries


def _offers(showtime) -> list[tuple[int, list[str]]]:
    """(entry id, seat codes of its offer) for every entry ever offered seats."""
    found = []
    for entry in WaitlistEntry.objects.filter(showtime=showtime, hold__isnull=False):
        codes = sorted(
            HoldSeat.objects.filter(hold_id=entry.hold_id)
            .select_related("seat")
            .values_list("seat__row_label", "seat__number")
        )
        found.append((entry.pk, [f"{r}-{n}" for r, n in codes]))
    return found


def test_racing_sweeps_offer_each_freed_seat_to_one_waiter(showtime, waiters):
    outcomes = race(
        [lambda: len(waitlist.offer_freed_seats(showtime_id=showtime.pk)) for _ in range(SWEEPS)]
    )
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert sum(o.value for o in outcomes) == len(FREED)
    offers = _offers(showtime)
    seats = [code for _, codes in offers for code in codes]
    assert sorted(seats) == FREED  # each freed seat offered once, to one waiter
    # first come, first served: the three earliest waiters
    assert sorted(pk for pk, _ in offers) == [e.pk for e in waiters[:3]]
    held = SeatInventory.objects.filter(showtime=showtime, state=SeatInventory.State.HELD)
    assert held.count() == len(FREED)
    assert {r.hold_id for r in held} == {
        e.hold_id for e in WaitlistEntry.objects.filter(status="offered")
    }


def _sweep_against_buyers(showtime, make_user) -> list:
    """One sweep offering 2-3 to the only waiter, racing eight buyers clicking 2-3."""
    SeatInventory.objects.filter(showtime=showtime).update(state=SeatInventory.State.SOLD)
    waitlist.join_waitlist(showtime=showtime, user=make_user())
    SeatInventory.objects.filter(
        showtime=showtime, seat__hall_id=showtime.hall_id, seat__row_label="2", seat__number="3"
    ).update(state=SeatInventory.State.FREE)
    buyers = [make_user() for _ in range(8)]

    def hold(buyer) -> int:
        return holds.place_hold(showtime=showtime, seat_codes=["2-3"], user=buyer).hold.pk

    racers = [lambda: len(waitlist.offer_freed_seats(showtime_id=showtime.pk))]
    racers += [lambda b=b: hold(b) for b in buyers]
    return race(racers)


def test_a_freed_seat_goes_to_the_waiter_or_one_buyer_never_both(showtime, make_user):
    outcomes = _sweep_against_buyers(showtime, make_user)
    offered = outcomes[0].value if outcomes[0].ok else 0
    bought = [o for o in outcomes[1:] if o.ok]
    assert all(o.ok or isinstance(o.error, Conflict) for o in outcomes), [o.error for o in outcomes]
    assert offered + len(bought) == 1
    row = SeatInventory.objects.get(
        showtime=showtime, seat__row_label="2", seat__number="3", seat__hall_id=showtime.hall_id
    )
    assert row.state == SeatInventory.State.HELD
    expected = WaitlistEntry.objects.get().hold_id if offered else bought[0].value
    assert row.hold_id == expected


def test_control_without_the_guard_the_waiter_and_a_buyer_both_get_the_seat(world, make_user):
    # The window is a few milliseconds wide: a fresh showtime per try, until it shows.
    most = 0
    for attempt in range(5):
        starts = timezone.now() + timedelta(days=3, hours=4 * attempt)
        showtime = make_showtime(world, starts_at=starts)
        with without_guard(Guard.SEAT_CLAIM):  # the same services, deciding on a read
            outcomes = _sweep_against_buyers(showtime, make_user)
        winners = (outcomes[0].value if outcomes[0].ok else 0) + sum(o.ok for o in outcomes[1:])
        most = max(most, winners)
        if most > 1:
            break
    assert most > 1, "without the guard one freed seat should go to more than one claimer"


def test_paying_an_accepted_offer_while_sweeps_run_loses_nothing(showtime, waiters):
    waitlist.offer_freed_seats(showtime_id=showtime.pk)
    first = WaitlistEntry.objects.select_related("user").get(pk=waiters[0].pk)
    order = waitlist.accept_offer(entry_id=first.pk, user=first.user)

    def pay() -> str:
        started = orders.pay_order(order=Order.objects.get(pk=order.pk), user=first.user)
        authorize_sim_payment(payment_id=started.payment_id, user=first.user, outcome="succeed")
        return Order.objects.get(pk=order.pk).status

    racers = [pay] + [
        lambda: len(waitlist.offer_freed_seats(showtime_id=showtime.pk)) for _ in range(SWEEPS)
    ]
    outcomes = race(racers)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert outcomes[0].value == Order.Status.PAID
    sold = Ticket.objects.filter(order_id=order.pk, status=Ticket.Status.VALID)
    assert sold.count() == 1
    seat = sold.get().seat_id
    assert SeatInventory.objects.get(showtime=showtime, seat_id=seat).state == "sold"
    # the seat went to nobody else
    other_offers = [codes for pk, codes in _offers(showtime) if pk != first.pk]
    assert all(sold.get().seat.code not in codes for codes in other_offers)
