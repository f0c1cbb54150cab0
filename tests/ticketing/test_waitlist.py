"""The waiting list: join a sold-out showtime, be offered freed seats in turn, accept or let go."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marquee.core import outbox
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.core.models import OutboxEvent
from marquee.ticketing import consumers, events
from marquee.ticketing.audience_errors import AudienceErrorCode
from marquee.ticketing.models import Hold, Order, SeatInventory, WaitlistEntry
from marquee.ticketing.services import holds, waitlist
from marquee.ticketing.services.refunds import refund_tickets
from marquee.venues.models import Seat

from .buying import buy, seat_states, tickets

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold_out(showtime, buyer):
    """The buyer holds 2-3 and 2-4; every other seat is sold."""
    order = buy(showtime, buyer, "2-3", "2-4")
    SeatInventory.objects.filter(showtime=showtime, state=SeatInventory.State.FREE).update(
        state=SeatInventory.State.SOLD
    )
    return order


def _refund(order, buyer, *codes):
    ids = [tickets(order)[c].pk for c in codes]
    refund_tickets(order=order, ticket_ids=ids, actor=buyer)
    outbox.drain()


def _offered(entry) -> list[str]:
    entry.refresh_from_db()
    if entry.hold_id is None:
        return []
    return sorted(s.code for s in entry.hold.seats.all())


def test_only_a_sold_out_showtime_has_a_waiting_list(showtime, make_user):
    with pytest.raises(Conflict) as caught:
        waitlist.join_waitlist(showtime=showtime, user=make_user())
    assert caught.value.code == AudienceErrorCode.WAITLIST_NOT_SOLD_OUT


def test_join_once_with_a_bounded_party(sold_out, showtime, make_user):
    waiter = make_user()
    with pytest.raises(DomainError) as caught:
        waitlist.join_waitlist(showtime=showtime, user=waiter, party_size=5)
    assert caught.value.code == AudienceErrorCode.WAITLIST_PARTY_SIZE
    entry = waitlist.join_waitlist(showtime=showtime, user=waiter, party_size=2)
    assert entry.status == WaitlistEntry.Status.WAITING
    with pytest.raises(Conflict) as caught:
        waitlist.join_waitlist(showtime=showtime, user=waiter)
    assert caught.value.code == AudienceErrorCode.WAITLIST_ALREADY_JOINED
    assert WaitlistEntry.objects.count() == 1


def test_a_refund_offers_the_freed_seats_to_the_first_waiter(sold_out, showtime, buyer, make_user):
    first, second = make_user(), make_user()
    a = waitlist.join_waitlist(showtime=showtime, user=first, party_size=2)
    b = waitlist.join_waitlist(showtime=showtime, user=second, party_size=1)
    _refund(sold_out, buyer, "2-3", "2-4")
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == WaitlistEntry.Status.OFFERED
    assert _offered(a) == ["2-3", "2-4"]
    assert a.hold.user_id == first.pk
    assert b.status == WaitlistEntry.Status.WAITING
    assert seat_states(showtime, "2-3", "2-4") == ["held", "held"]


def test_a_waiter_whose_party_does_not_fit_keeps_their_place(sold_out, showtime, buyer, make_user):
    big, small = make_user(), make_user()
    a = waitlist.join_waitlist(showtime=showtime, user=big, party_size=3)
    b = waitlist.join_waitlist(showtime=showtime, user=small, party_size=1)
    _refund(sold_out, buyer, "2-3")
    a.refresh_from_db()
    assert a.status == WaitlistEntry.Status.WAITING
    assert _offered(b) == ["2-3"]


def test_a_lapsed_offer_goes_to_the_next_waiter(sold_out, showtime, buyer, make_user):
    first, second = make_user(), make_user()
    a = waitlist.join_waitlist(showtime=showtime, user=first, party_size=2)
    b = waitlist.join_waitlist(showtime=showtime, user=second, party_size=2)
    _refund(sold_out, buyer, "2-3", "2-4")
    assert _offered(a) == ["2-3", "2-4"]
    later = timezone.now() + waitlist.offer_duration() + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert waitlist.sweep_waitlists() == 1
        with pytest.raises(Conflict) as caught:
            waitlist.accept_offer(entry_id=a.pk, user=first)
        assert caught.value.code == AudienceErrorCode.WAITLIST_NO_OFFER
    a.refresh_from_db()
    assert a.status == WaitlistEntry.Status.LAPSED
    assert _offered(b) == ["2-3", "2-4"]


def test_a_waiter_whose_offer_ran_out_may_join_again_before_any_sweep(
    sold_out, showtime, buyer, make_user
):
    waiter = make_user()
    first = waitlist.join_waitlist(showtime=showtime, user=waiter)
    _refund(sold_out, buyer, "2-3")
    assert _offered(first) == ["2-3"]
    SeatInventory.objects.filter(showtime=showtime, seat__row_label="2", seat__number="3").update(
        state=SeatInventory.State.SOLD  # someone else bought it once the offer ran out
    )
    later = timezone.now() + waitlist.offer_duration() + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        again = waitlist.join_waitlist(showtime=showtime, user=waiter)
    first.refresh_from_db()
    assert (first.status, again.status) == (WaitlistEntry.Status.LAPSED, "waiting")


def test_accepting_opens_an_order_with_a_whole_hold_to_pay(sold_out, showtime, buyer, make_user):
    waiter = make_user()
    entry = waitlist.join_waitlist(showtime=showtime, user=waiter, party_size=1)
    _refund(sold_out, buyer, "2-4")
    start = timezone.now() + timedelta(minutes=9)
    with time_machine.travel(start, tick=False):
        order = waitlist.accept_offer(entry_id=entry.pk, user=waiter)
        assert order.status == Order.Status.PENDING
        assert order.hold.expires_at >= start + timedelta(minutes=9)
        assert [line.seat.code for line in order.lines.all()] == ["2-4"]
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.ACCEPTED
    with pytest.raises(Conflict):
        waitlist.accept_offer(entry_id=entry.pk, user=waiter)


def test_declining_hands_the_seats_to_the_next_waiter(sold_out, showtime, buyer, make_user):
    first, second = make_user(), make_user()
    a = waitlist.join_waitlist(showtime=showtime, user=first)
    b = waitlist.join_waitlist(showtime=showtime, user=second)
    _refund(sold_out, buyer, "2-3")
    waitlist.decline_offer(entry_id=a.pk, user=first)
    a.refresh_from_db()
    assert a.status == WaitlistEntry.Status.DECLINED
    assert _offered(b) == ["2-3"]
    assert Hold.objects.get(pk=a.hold_id).status == Hold.Status.RELEASED


def test_a_lapsed_buyers_hold_frees_seats_for_the_list(showtime, buyer, make_user):
    hold = holds.place_hold(showtime=showtime, seat_codes=["2-5"], user=buyer).hold
    SeatInventory.objects.filter(showtime=showtime, state=SeatInventory.State.FREE).update(
        state=SeatInventory.State.SOLD
    )
    waiter = make_user()
    entry = waitlist.join_waitlist(showtime=showtime, user=waiter)
    assert waitlist.sweep_waitlists() == 0
    with time_machine.travel(hold.expires_at + timedelta(seconds=1), tick=False):
        assert waitlist.sweep_waitlists(user=waiter) == 1
    assert _offered(entry) == ["2-5"]


def test_leaving_and_strangers(sold_out, showtime, make_user):
    waiter, stranger = make_user(), make_user()
    entry = waitlist.join_waitlist(showtime=showtime, user=waiter)
    with pytest.raises(NotFound):
        waitlist.leave_waitlist(entry_id=entry.pk, user=stranger)
    left = waitlist.leave_waitlist(entry_id=entry.pk, user=waiter)
    assert left.status == WaitlistEntry.Status.LEFT
    with pytest.raises(Conflict) as caught:
        waitlist.leave_waitlist(entry_id=entry.pk, user=waiter)
    assert caught.value.code == AudienceErrorCode.WAITLIST_NOT_WAITING
    # Gone from the list, so joining again is allowed.
    assert waitlist.join_waitlist(showtime=showtime, user=waiter).pk != entry.pk


def test_a_replayed_refund_event_offers_nothing_more(sold_out, showtime, buyer, make_user):
    a = waitlist.join_waitlist(showtime=showtime, user=make_user())
    b = waitlist.join_waitlist(showtime=showtime, user=make_user())
    _refund(sold_out, buyer, "2-3")
    event = OutboxEvent.objects.get(type=events.TICKET_REFUNDED)
    consumers.offer_freed_seats([event])
    consumers.offer_freed_seats([event, event])
    assert _offered(a) == ["2-3"]
    b.refresh_from_db()
    assert b.status == WaitlistEntry.Status.WAITING
    assert Hold.objects.filter(waitlist_offer__isnull=False).count() == 1


def test_a_started_showtime_closes_its_list(sold_out, showtime, make_user):
    entry = waitlist.join_waitlist(showtime=showtime, user=make_user())
    with time_machine.travel(showtime.starts_at + timedelta(minutes=1), tick=False):
        assert waitlist.offer_freed_seats(showtime_id=showtime.pk) == []
    entry.refresh_from_db()
    assert entry.status == WaitlistEntry.Status.CLOSED


def _seat(pk: int, row: int, column: int) -> Seat:
    return Seat(pk=pk, row=row, column=column, row_label=str(row), number=str(column))


@settings(max_examples=60, deadline=None)
@given(
    cells=st.sets(st.tuples(st.integers(0, 4), st.integers(0, 7)), max_size=20),
    party=st.integers(1, 4),
)
def test_picked_seats_are_free_distinct_and_side_by_side_when_a_run_exists(cells, party):
    free = [_seat(i, r, c) for i, (r, c) in enumerate(sorted(cells))]
    picked = waitlist.pick_seats(free, party)
    if len(free) < party:
        assert picked is None
        return
    assert picked is not None
    assert len({s.pk for s in picked}) == party
    assert all(s in free for s in picked)
    runs = any(all((r, c0 + k) in cells for k in range(party)) for (r, c0) in cells)
    side_by_side = all(s.row == picked[0].row for s in picked) and [
        s.column for s in picked
    ] == list(range(picked[0].column, picked[0].column + party))
    if runs:  # a run of `party` free seats in one row exists: one is picked
        assert side_by_side


def test_the_sweep_command_offers_freed_seats(sold_out, showtime, make_user):
    from io import StringIO

    from django.core.management import call_command

    entry = waitlist.join_waitlist(showtime=showtime, user=make_user())
    SeatInventory.objects.filter(showtime=showtime, seat__row_label="4").update(
        state=SeatInventory.State.FREE
    )
    out = StringIO()
    call_command("waitlist_sweep", stdout=out)
    assert "Made 1 waiting-list offers." in out.getvalue()
    assert len(_offered(entry)) == 1


_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("join"), st.integers(0, 5), st.integers(1, 3)),
        st.tuples(st.just("free"), st.integers(0, 29), st.just(0)),
        st.tuples(st.just("sweep"), st.just(0), st.just(0)),
        st.tuples(st.just("decline"), st.integers(0, 5), st.just(0)),
        st.tuples(st.just("lapse"), st.just(0), st.just(0)),
    ),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=_OPS)
def test_any_sequence_never_offers_a_seat_twice_and_serves_in_order(showtime, make_user, ops):
    """Joins, freed seats, sweeps, declines and lapses in any order keep the invariants:
    a seat is held by at most one open offer, an open offer holds exactly its party's
    seats, and an account has at most one open place on a list."""
    from django.db import transaction

    users = [make_user() for _ in range(6)]
    seats = list(
        SeatInventory.objects.filter(showtime=showtime, seat__kind__in=["standard", "vip"])
        .order_by("seat__row", "seat__column")
        .values_list("seat_id", flat=True)
    )
    with transaction.atomic():
        SeatInventory.objects.filter(showtime=showtime).update(state=SeatInventory.State.SOLD)
        clock = timezone.now()
        for op, a, b in ops:
            if op == "join":
                with contextlib.suppress(Conflict):
                    waitlist.join_waitlist(
                        showtime=showtime, user=users[a], party_size=b, now=clock
                    )
            elif op == "free":
                SeatInventory.objects.filter(
                    showtime=showtime, seat_id=seats[a], state=SeatInventory.State.SOLD
                ).update(state=SeatInventory.State.FREE)
            elif op == "sweep":
                waitlist.offer_freed_seats(showtime_id=showtime.pk, now=clock)
            elif op == "decline":
                entry = WaitlistEntry.objects.filter(user=users[a], status="offered").first()
                if entry is not None:
                    with time_machine.travel(clock, tick=False):
                        waitlist.decline_offer(entry_id=entry.pk, user=users[a], now=clock)
            else:  # the clock moves past every offer
                clock += waitlist.offer_duration() + timedelta(seconds=1)
            _check_invariants(showtime, clock)
        transaction.set_rollback(True)


def _check_invariants(showtime, now) -> None:
    offered = list(
        WaitlistEntry.objects.filter(
            showtime=showtime, status="offered", offer_expires_at__gt=now
        ).order_by("joined_at", "pk")
    )
    held_by: dict[int, int] = {}
    for entry in offered:
        rows = SeatInventory.objects.filter(showtime=showtime, hold_id=entry.hold_id, state="held")
        assert rows.count() == entry.party_size  # the offer really holds its seats
        for seat_id in rows.values_list("seat_id", flat=True):
            assert seat_id not in held_by, "one seat, two offers"
            held_by[seat_id] = entry.pk
    open_per_user = {}
    for entry in WaitlistEntry.objects.filter(showtime=showtime, status__in=["waiting", "offered"]):
        assert entry.user_id not in open_per_user
        open_per_user[entry.user_id] = entry.pk
