"""Races on PostgreSQL: seat claims, the per-account round limit, expiry against new holds.

Each guarded test has a control: the same race run through the same service
with its guard turned off (``services._common.without_guard``: the decision
falls back to an earlier read), which double-books — proof that the race is
real and that the guard (a conditional UPDATE whose row count decides, or the
lock before a count) is what wins it.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from marquee.core.errors import Conflict
from marquee.ticketing.models import (
    Hold,
    HoldSeat,
    Order,
    RoundAllowance,
    SeatInventory,
    Ticket,
)
from marquee.ticketing.services import holds, orders
from marquee.ticketing.services._common import Guard, lock_inventory, without_guard
from marquee.ticketing.services.fulfilment import fulfil_paid_order
from marquee.venues.models import Seat
from tests.ticketing.conftest import (
    make_presale_round,
    make_presale_showtime,
)

from .conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 32


def seat_ids(showtime, *codes: str) -> list[int]:
    by_code = {s.code: s.pk for s in Seat.objects.filter(hall_id=showtime.hall_id)}
    return [by_code[c] for c in codes]


# --- one account, many holds at once ---------------------------------------------------

#: Sixteen different seats (rows 2 and 4 are standard seats).
ONE_EACH = [[f"{row}-{n}"] for row in (2, 4) for n in range(1, 9)]


def _held_seats_of(user) -> int:
    return SeatInventory.objects.filter(state="held", hold__user=user).count()


def test_one_account_racing_holds_never_passes_the_held_seats_cap(showtime, make_user):
    fan = make_user()
    outcomes = race(
        [
            lambda c=c: holds.place_hold(showtime=showtime, seat_codes=c, user=fan).hold.pk
            for c in ONE_EACH
        ]
    )
    assert sum(o.ok for o in outcomes) == 6
    errors = [o.error for o in outcomes if not o.ok]
    assert all(isinstance(e, Conflict) and e.code == "held_seats_limit" for e in errors), errors
    assert _held_seats_of(fan) == 6
    assert Hold.objects.filter(user=fan).count() == 6


def test_control_without_the_guard_one_account_passes_the_cap(showtime, make_user, monkeypatch):
    fan = make_user()
    # Every racer claims its seat and writes its hold, then all count together: without
    # the quota lock nobody sees the others' uncommitted holds (left to chance, the
    # overlap sometimes did not happen and the control proved nothing).
    together = threading.Barrier(len(ONE_EACH))
    cap = holds.max_held_seats_per_showtime

    def cap_after_everyone_claimed() -> int:
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait(timeout=10)
        return cap()

    monkeypatch.setattr(holds, "max_held_seats_per_showtime", cap_after_everyone_claimed)
    with without_guard(Guard.HELD_SEATS_CAP):  # the same service, its quota lock skipped
        outcomes = race(
            [
                lambda c=c: holds.place_hold(showtime=showtime, seat_codes=c, user=fan).hold.pk
                for c in ONE_EACH
            ]
        )
    assert sum(o.ok for o in outcomes) > 6, "without the lock the count should race"
    assert _held_seats_of(fan) > 6


# --- many buyers, the same seats ---------------------------------------------------


def test_32_buyers_racing_for_the_same_seats_exactly_one_wins(showtime, make_user):
    users = [make_user() for _ in range(THREADS)]
    outcomes = race(
        [
            lambda u=u: (
                holds.place_hold(showtime=showtime, seat_codes=["3-4", "3-5"], user=u).hold.pk
            )
            for u in users
        ]
    )
    winners = [o.value for o in outcomes if o.ok]
    assert len(winners) == 1
    errors = [o.error for o in outcomes if not o.ok]
    assert all(isinstance(e, Conflict) and e.code == "seats_unavailable" for e in errors), errors
    # losers hold nothing at all
    assert list(Hold.objects.values_list("pk", flat=True)) == winners
    assert HoldSeat.objects.count() == 2
    held = SeatInventory.objects.filter(showtime=showtime).exclude(state="free")
    assert sorted(held.values_list("hold_id", "state")) == [(winners[0], "held")] * 2


def test_overlapping_requests_never_share_a_seat(showtime, make_user):
    users = [make_user() for _ in range(THREADS)]

    def attempt(i: int):
        first = i % 7 + 1
        codes = [f"4-{first}", f"4-{first + 1}"]
        return lambda: holds.place_hold(showtime=showtime, seat_codes=codes, user=users[i]).hold.pk

    outcomes = race([attempt(i) for i in range(THREADS)])
    winners = {o.value for o in outcomes if o.ok}
    assert winners
    # every loser failed cleanly (no deadlock, no database error)
    assert all(isinstance(o.error, Conflict) for o in outcomes if not o.ok)
    claimed = list(HoldSeat.objects.filter(hold_id__in=winners).values_list("seat_id", flat=True))
    assert len(claimed) == len(set(claimed)) == 2 * len(winners)
    rows = SeatInventory.objects.filter(showtime=showtime, state="held")
    assert set(rows.values_list("seat_id", flat=True)) == set(claimed)
    assert set(rows.values_list("hold_id", flat=True)) == winners
    assert Hold.objects.count() == len(winners)


def test_control_without_the_claim_guard_double_books(showtime, make_user):
    users = [make_user() for _ in range(THREADS)]
    with without_guard(Guard.SEAT_CLAIM):  # the same service, deciding on a read instead
        outcomes = race(
            [
                lambda u=u: (
                    holds.place_hold(showtime=showtime, seat_codes=["3-4", "3-5"], user=u).hold.pk
                )
                for u in users
            ]
        )
    winners = [o.value for o in outcomes if o.ok]
    assert len(winners) > 1, "without the guard several buyers should 'win' the same seats"


# --- one account, many requests, a per-account limit --------------------------------


@pytest.fixture
def presale(world, make_user):
    from marquee.accounts.models import Role

    showtime = make_presale_showtime(world)
    presale = make_presale_round(
        world, make_user(role=Role.DISTRIBUTION), name="Flash pre-sale", per_account_limit=4
    )
    return showtime, presale


SINGLE_SEATS = [f"{r}-{n}" for r in range(1, 5) for n in range(1, 9)]  # 32 seats, no couples


def test_per_account_limit_holds_under_concurrent_requests(presale, make_user):
    showtime, presale_round = presale
    fan = make_user()
    outcomes = race(
        [
            lambda c=code: holds.place_hold(showtime=showtime, seat_codes=[c], user=fan).hold.pk
            for code in SINGLE_SEATS
        ]
    )
    winners = [o.value for o in outcomes if o.ok]
    assert len(winners) == 4
    errors = [o.error for o in outcomes if not o.ok]
    assert all(isinstance(e, Conflict) and e.code == "round_limit_exceeded" for e in errors), errors
    assert RoundAllowance.objects.get(round=presale_round, user=fan).tickets == 4
    assert Hold.objects.filter(user=fan).count() == 4
    assert SeatInventory.objects.filter(showtime=showtime, state="held").count() == 4


def test_control_without_the_limit_guard_one_account_exceeds_it(presale, make_user):
    showtime, presale_round = presale
    fan = make_user()
    RoundAllowance.objects.create(round=presale_round, user=fan)
    # The same service, checking a read count; the quota lock of the held-seats cap
    # would queue one account's holds (and so its allowance) too: off as well.
    with without_guard(Guard.ROUND_LIMIT, Guard.HELD_SEATS_CAP):
        outcomes = race(
            [
                lambda c=code: holds.place_hold(showtime=showtime, seat_codes=[c], user=fan).hold.pk
                for code in SINGLE_SEATS
            ]
        )
    assert sum(o.ok for o in outcomes) > 4, "without the guard the account should pass its limit"


# --- expiry racing with new holds and the late payment -----------------------------


def _lapse(hold: Hold, when) -> None:
    Hold.objects.filter(pk=hold.pk).update(expires_at=when)
    SeatInventory.objects.filter(hold=hold).update(hold_expires_at=when)


def _pay_callback(order: Order):
    payment = SimpleNamespace(
        pk=uuid.uuid4(),
        reference=str(order.pk),
        amount_minor=order.total_minor,
        currency=order.currency,
        payer_id=order.user_id,
    )

    def run() -> bool:
        with transaction.atomic():  # what payments does around on_succeeded
            return fulfil_paid_order(payment)

    return run


def test_expired_hold_races_new_holds_and_its_late_payment(showtime, make_user):
    owner = make_user()
    hold = holds.place_hold(showtime=showtime, seat_codes=["3-4", "3-5"], user=owner).hold
    order = orders.place_order(hold=hold, user=owner).order
    _lapse(hold, timezone.now() - timedelta(seconds=1))
    rivals = [make_user() for _ in range(THREADS - 1)]
    outcomes = race(
        [_pay_callback(order)]
        + [
            lambda u=u: (
                holds.place_hold(showtime=showtime, seat_codes=["3-4", "3-5"], user=u).hold.pk
            )
            for u in rivals
        ]
    )
    paid, *claims = outcomes
    assert paid.ok and paid.value is False  # the late payment is refused (payments refunds it)
    winners = [o.value for o in claims if o.ok]
    assert len(winners) == 1
    assert all(isinstance(o.error, Conflict) for o in claims if not o.ok)
    assert not Ticket.objects.exists()
    rows = SeatInventory.objects.filter(showtime=showtime).exclude(state="free")
    assert sorted(rows.values_list("state", "hold_id")) == [("held", winners[0])] * 2
    assert Order.objects.get(pk=order.pk).status in {Order.Status.EXPIRED, Order.Status.PENDING}


@pytest.mark.parametrize(("pair", "pay_at_ms"), [(1, -40), (3, -8), (5, -3), (7, 0)])
def test_payment_and_new_holds_at_the_instant_of_expiry_never_both_win(
    showtime, make_user, pair, pay_at_ms
):
    """The payment lands around the expiry instant while 31 rivals try to hold the seats.

    Depending on timing the payment wins (tickets, no rival holds) or a rival
    does (no tickets; payments refunds): never both, and never two rivals.
    """
    owner = make_user()
    codes = [f"2-{pair}", f"2-{pair + 1}"]
    hold = holds.place_hold(showtime=showtime, seat_codes=codes, user=owner).hold
    order = orders.place_order(hold=hold, user=owner).order
    expiry = timezone.now() + timedelta(milliseconds=400)
    _lapse(hold, expiry)
    rivals = [make_user() for _ in range(THREADS - 1)]

    def at(offset_ms: float, fn):
        def run():
            delay = (expiry - timezone.now()).total_seconds() + offset_ms / 1000
            if delay > 0:
                time.sleep(delay)
            return fn()

        return run

    racers = [at(pay_at_ms, _pay_callback(order))] + [
        at(
            -15 + i,
            lambda u=u: holds.place_hold(showtime=showtime, seat_codes=codes, user=u).hold.pk,
        )
        for i, u in enumerate(rivals)
    ]
    paid, *claims = race(racers)
    assert paid.ok, paid.error
    winners = [o.value for o in claims if o.ok]
    assert all(isinstance(o.error, Conflict) for o in claims if not o.ok)
    rows = SeatInventory.objects.filter(showtime=showtime, seat_id__in=seat_ids(showtime, *codes))
    if paid.value:
        assert winners == []
        assert Ticket.objects.filter(order=order).count() == 2
        assert set(rows.values_list("state", flat=True)) == {"sold"}
    else:
        assert len(winners) <= 1
        assert not Ticket.objects.filter(order=order).exists()
        if winners:
            assert set(rows.values_list("hold_id", flat=True)) == {winners[0]}


def test_control_without_the_claim_guard_an_expired_hold_is_handed_out_twice(showtime, make_user):
    owner = make_user()
    hold = holds.place_hold(showtime=showtime, seat_codes=["3-4", "3-5"], user=owner).hold
    _lapse(hold, timezone.now() - timedelta(seconds=1))
    rivals = [make_user() for _ in range(THREADS)]
    with without_guard(Guard.SEAT_CLAIM):
        outcomes = race(
            [
                lambda u=u: (
                    holds.place_hold(showtime=showtime, seat_codes=["3-4", "3-5"], user=u).hold.pk
                )
                for u in rivals
            ]
        )
    assert sum(o.ok for o in outcomes) > 1, "without the guard the lapsed seats go out twice"


def test_duplicate_payments_for_one_order_issue_tickets_once(showtime, make_user):
    owner = make_user()
    hold = holds.place_hold(showtime=showtime, seat_codes=["3-4", "3-5"], user=owner).hold
    order = orders.place_order(hold=hold, user=owner).order
    outcomes = race([_pay_callback(order) for _ in range(8)])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert sorted(o.value for o in outcomes) == [False] * 7 + [True]
    assert Ticket.objects.filter(order=order).count() == 2
    assert Order.objects.filter(pk=order.pk, status="paid").exists()


def test_cancellation_racing_holds_and_a_payment_leaves_nothing_on_sale(world, showtime, make_user):
    from marquee.ticketing.models import Showtime
    from marquee.ticketing.services import showtimes

    owner = make_user()
    hold = holds.place_hold(showtime=showtime, seat_codes=["3-4", "3-5"], user=owner).hold
    order = orders.place_order(hold=hold, user=owner).order
    buyers = [make_user() for _ in range(THREADS - 2)]
    result: dict = {}

    def cancel():
        result["cancel"] = showtimes.cancel_showtime(actor=world.operator, showtime=showtime)
        return True

    outcomes = race(
        [cancel, _pay_callback(order)]
        + [
            lambda i=i, u=u: (
                holds.place_hold(showtime=showtime, seat_codes=[SINGLE_SEATS[i]], user=u).hold.pk
            )
            for i, u in enumerate(buyers)
        ]
    )
    cancelled, paid, *claims = outcomes
    assert cancelled.ok, cancelled.error  # no deadlock, whatever the interleaving
    assert paid.ok, paid.error
    assert all(o.ok or isinstance(o.error, Conflict) for o in claims), [o.error for o in claims]
    assert Showtime.objects.get(pk=showtime.pk).status == "cancelled"
    assert not Hold.objects.filter(showtime=showtime, status="active").exists()
    states = set(SeatInventory.objects.filter(showtime=showtime).values_list("state", flat=True))
    if paid.value:
        assert states == {"closed", "sold"}
        assert result["cancel"].paid_order_ids == [order.pk]
    else:
        assert states == {"closed"}
        assert Order.objects.get(pk=order.pk).status == "cancelled"
    # every hold that won before the cancellation was cancelled with it
    won = {o.value for o in claims if o.ok}
    assert won <= set(result["cancel"].cancelled_hold_ids)


# --- the waiting room --------------------------------------------------------------


def test_a_waiting_room_never_lets_in_more_buyers_than_its_size(world, showtime, make_user):
    from marquee.ticketing.services import showtimes, waiting_room

    rush = showtimes.update_showtime(actor=world.operator, showtime=showtime, waiting_room_size=4)
    users = [make_user() for _ in range(16)]
    outcomes = race([lambda u=u: waiting_room.check_in(showtime=rush, user=u) for u in users])
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok]
    statuses = [o.value for o in outcomes]
    assert sum(s.admitted for s in statuses) == 4
    # Everyone else has a place of their own in line.
    assert sorted(s.position for s in statuses if not s.admitted) == list(range(1, 13))
    # Racing for seats now: only the admitted may hold, and no seat is sold twice.
    results = race(
        [
            lambda u=u, n=n: (
                holds.place_hold(showtime=rush, seat_codes=[f"2-{n % 8 + 1}"], user=u).hold
            )
            for n, u in enumerate(users)
        ]
    )
    won = [r.value for r in results if r.ok]
    refused = {r.error.code for r in results if not r.ok}
    assert won
    assert refused <= {"in_waiting_room", "seats_unavailable"}
    # Each successful hold frees its place for one more buyer: nobody else got in.
    waited = sum(1 for r in results if not r.ok and r.error.code == "in_waiting_room")
    assert waited >= len(users) - 4 - len(won)
    held = SeatInventory.objects.filter(showtime=rush, state="held")
    assert sorted(held.values_list("hold_id", flat=True)) == sorted(h.pk for h in won)


# --- a claim stuck behind a lock gives up -----------------------------------------------


def test_a_claim_behind_a_held_row_lock_gives_up_after_the_lock_timeout(
    showtime, make_user, settings
):
    settings.MARQUEE_LOCK_TIMEOUT_MS = 200
    blocker_has_lock = threading.Event()
    release = threading.Event()

    def blocker():
        with transaction.atomic():
            row = SeatInventory.objects.filter(
                showtime=showtime, seat_id__in=seat_ids(showtime, "3-4")
            )
            list(row.select_for_update(no_key=True))
            blocker_has_lock.set()
            release.wait(30)

    def buyer():
        assert blocker_has_lock.wait(30)
        try:
            return holds.place_hold(showtime=showtime, seat_codes=["3-4"], user=make_user()).hold.pk
        finally:
            release.set()

    outcomes = race([blocker, buyer])
    assert outcomes[0].ok, outcomes[0].error
    error = outcomes[1].error
    assert isinstance(error, OperationalError), error
    assert "lock timeout" in str(error)
    assert not Hold.objects.exists()
    with transaction.atomic():
        lock_inventory(SeatInventory.objects.none())
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "200ms"
    with connection.cursor() as cursor:  # SET LOCAL: gone with the transaction
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] != "200ms"
