"""Holds: seat rules, all-or-nothing claims, expiry without a background job, release."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.ticketing.models import Hold, HoldSeat, Order, SeatInventory
from marquee.ticketing.seatmap import seat_map
from marquee.ticketing.services import holds, orders

pytestmark = pytest.mark.django_db


def states(showtime, *codes):
    rows = SeatInventory.objects.filter(showtime=showtime).select_related("seat")
    by_code = {r.seat.code: r for r in rows}
    return [by_code[c].state for c in codes]


def test_hold_claims_all_seats_for_the_configured_time(showtime, buyer, settings):
    settings.MARQUEE_HOLD_MINUTES = 7
    before = timezone.now()
    hold = holds.hold_seats(showtime=showtime, seat_codes=["2-3", "2-4"], user=buyer)
    assert hold.status == Hold.Status.ACTIVE
    assert hold.seat_count == 2
    assert timedelta(minutes=7) <= hold.expires_at - before < timedelta(minutes=7, seconds=5)
    assert states(showtime, "2-3", "2-4", "2-5") == ["held", "held", "free"]
    rows = SeatInventory.objects.filter(showtime=showtime, hold=hold)
    assert {r.hold_expires_at for r in rows} == {hold.expires_at}
    assert sorted(s.code for s in hold.seats.all()) == ["2-3", "2-4"]


def test_a_taken_seat_fails_the_whole_hold_and_names_it(showtime, buyer, make_user):
    holds.hold_seats(showtime=showtime, seat_codes=["2-4"], user=make_user())
    with pytest.raises(Conflict) as exc:
        holds.hold_seats(showtime=showtime, seat_codes=["2-3", "2-4", "2-5"], user=buyer)
    assert exc.value.code == "seats_unavailable"
    assert exc.value.detail["seats"] == ["2-4"]
    assert "2-4" in exc.value.message
    # nothing held: the free seats stay free and the loser has no hold at all
    assert states(showtime, "2-3", "2-5") == ["free", "free"]
    assert not Hold.objects.filter(user=buyer).exists()
    assert not HoldSeat.objects.filter(hold__user=buyer).exists()


def test_sold_seats_cannot_be_held(showtime, buyer, make_user):
    SeatInventory.objects.filter(showtime=showtime, seat__row_label="4", seat__number="1").update(
        state="sold"
    )
    with pytest.raises(Conflict) as exc:
        holds.hold_seats(showtime=showtime, seat_codes=["4-1", "4-2"], user=buyer)
    assert exc.value.detail["seats"] == ["4-1"]


@pytest.mark.parametrize(
    ("codes", "code"),
    [
        ([], "no_seats"),
        (["1-3", "1-4", "1-5", "1-6", "1-7", "1-8", "2-1"], "too_many_seats"),
        (["2-1", "2-1"], "duplicate_seats"),
        (["9-9"], "unknown_seats"),
        (["garbage"], "unknown_seats"),
        (["2-1", ""], "unknown_seats"),
        (["5-1"], "couple_seat_alone"),
        (["5-2", "5-3"], "couple_seat_alone"),
    ],
)
def test_seat_rules(showtime, buyer, codes, code):
    with pytest.raises(DomainError) as exc:
        holds.hold_seats(showtime=showtime, seat_codes=codes, user=buyer)
    assert exc.value.code == code
    assert not Hold.objects.exists()


def test_couple_seat_error_names_the_partner(showtime, buyer):
    with pytest.raises(DomainError) as exc:
        holds.hold_seats(showtime=showtime, seat_codes=["5-3"], user=buyer)
    assert exc.value.detail["partners"] == ["5-4"]
    assert "5-3 with 5-4" in exc.value.message


def test_couple_pairs_hold_together_and_count_as_two_seats(showtime, buyer, settings):
    hold = holds.hold_seats(showtime=showtime, seat_codes=["5-3", "5-4"], user=buyer)
    assert hold.seat_count == 2
    settings.MARQUEE_MAX_SEATS_PER_ORDER = 3
    with pytest.raises(DomainError) as exc:
        holds.hold_seats(showtime=showtime, seat_codes=["5-5", "5-6", "5-7", "5-8"], user=buyer)
    assert exc.value.code == "too_many_seats"
    assert exc.value.detail["max_seats"] == 3


def test_max_seats_is_configurable(showtime, buyer, settings):
    settings.MARQUEE_MAX_SEATS_PER_ORDER = 8
    settings.MARQUEE_MAX_HELD_SEATS_PER_SHOWTIME = 8
    hold = holds.hold_seats(
        showtime=showtime, seat_codes=[f"4-{n}" for n in range(1, 9)], user=buyer
    )
    assert hold.seat_count == 8


def test_expired_hold_frees_its_seats_without_any_job(showtime, buyer, make_user):
    hold = holds.hold_seats(showtime=showtime, seat_codes=["2-1", "2-2"], user=buyer)
    rival = make_user()
    with pytest.raises(Conflict):
        holds.hold_seats(showtime=showtime, seat_codes=["2-2"], user=rival)
    with time_machine.travel(hold.expires_at + timedelta(seconds=1)):
        # readers already see the seats free, though no row was touched
        assert states(showtime, "2-1") == ["held"]
        seats = {s.code: s.state for s in seat_map(user=None, showtime_id=showtime.pk).seats}
        assert seats["2-1"] == seats["2-2"] == "free"
        assert Hold.objects.get(pk=hold.pk).current_status() == "expired"
        taken = holds.hold_seats(showtime=showtime, seat_codes=["2-2", "2-3"], user=rival)
        # the lapsed hold can no longer be ordered
        with pytest.raises(Conflict) as exc:
            orders.create_order_from_hold(hold=hold, user=buyer)
        assert exc.value.code == "hold_expired"
    row = SeatInventory.objects.get(showtime=showtime, seat__row_label="2", seat__number="2")
    assert row.hold_id == taken.pk


def test_hold_at_the_exact_expiry_instant_counts_as_expired(showtime, buyer, make_user):
    hold = holds.hold_seats(showtime=showtime, seat_codes=["3-1"], user=buyer)
    with time_machine.travel(hold.expires_at, tick=False):
        assert holds.hold_seats(showtime=showtime, seat_codes=["3-1"], user=make_user()).pk


def test_release_frees_seats_and_cancels_the_pending_order(showtime, buyer, make_user):
    hold = holds.hold_seats(showtime=showtime, seat_codes=["2-1", "2-2"], user=buyer)
    order = orders.create_order_from_hold(hold=hold, user=buyer)
    with pytest.raises(NotFound):
        holds.release_hold(hold=hold, user=make_user())
    released = holds.release_hold(hold=hold, user=buyer)
    assert released.status == Hold.Status.RELEASED
    assert states(showtime, "2-1", "2-2") == ["free", "free"]
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    with pytest.raises(Conflict) as exc:
        holds.release_hold(hold=hold, user=buyer)
    assert exc.value.code == "hold_not_active"


def test_releasing_a_lapsed_hold_records_it_as_expired(showtime, buyer):
    hold = holds.hold_seats(showtime=showtime, seat_codes=["2-1"], user=buyer)
    with time_machine.travel(hold.expires_at + timedelta(minutes=1)):
        assert holds.release_hold(hold=hold, user=buyer).status == Hold.Status.EXPIRED
    assert states(showtime, "2-1") == ["free"]


def test_expire_lapsed_holds_housekeeping(showtime, buyer):
    lapsed = holds.hold_seats(showtime=showtime, seat_codes=["2-1"], user=buyer)
    order = orders.create_order_from_hold(hold=lapsed, user=buyer)
    with time_machine.travel(lapsed.expires_at + timedelta(seconds=1)):
        live = holds.hold_seats(showtime=showtime, seat_codes=["2-2"], user=buyer)
        assert holds.expire_lapsed_holds() == 1
        assert holds.expire_lapsed_holds() == 0
    assert Hold.objects.get(pk=lapsed.pk).status == Hold.Status.EXPIRED
    assert Hold.objects.get(pk=live.pk).status == Hold.Status.ACTIVE
    assert Order.objects.get(pk=order.pk).status == Order.Status.EXPIRED
    assert states(showtime, "2-1", "2-2") == ["free", "held"]


def test_no_holds_on_drafts_or_started_showtimes(world, buyer):
    from .conftest import make_showtime

    draft = make_showtime(world, publish=False)
    with pytest.raises(Conflict) as exc:
        holds.hold_seats(showtime=draft, seat_codes=["2-1"], user=buyer)
    assert exc.value.code == "showtime_not_on_sale"
    live = make_showtime(world, starts_at=draft.starts_at + timedelta(days=1))
    with time_machine.travel(live.starts_at + timedelta(seconds=1)), pytest.raises(Conflict) as exc:
        holds.hold_seats(showtime=live, seat_codes=["2-1"], user=buyer)
    assert exc.value.code == "showtime_started"


def test_seats_of_another_hall_are_unknown(world, showtime, buyer):
    from .conftest import build_hall

    other, seats = build_hall(world.venue, name="Hall 9")
    assert seats["2-1"].hall_id == other.pk
    hold = holds.hold_seats(showtime=showtime, seat_codes=["2-1"], user=buyer)
    assert {s.hall_id for s in hold.seats.all()} == {world.hall.pk}
