"""Checkout in one step: hold then order, and no seat left blocked when the order fails."""

from __future__ import annotations

import pytest

from marquee.core.errors import Conflict
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import Hold, Order, SeatInventory
from marquee.ticketing.services import checkout, holds, orders

pytestmark = pytest.mark.django_db


def states(showtime, *codes):
    rows = SeatInventory.objects.filter(showtime=showtime).select_related("seat")
    by_code = {r.seat.code: r for r in rows}
    return [by_code[c].state for c in codes]


def test_checkout_holds_the_seats_and_opens_the_order(showtime, buyer):
    order = checkout.start_checkout(showtime=showtime, seat_codes=["2-3", "2-4"], user=buyer)
    assert order.status == Order.Status.PENDING
    assert order.user == buyer and order.hold.status == Hold.Status.ACTIVE
    assert sorted(line.seat.code for line in order.lines.select_related("seat")) == ["2-3", "2-4"]
    assert states(showtime, "2-3", "2-4") == ["held", "held"]


def test_seats_that_cannot_be_held_raise_the_holds_error(showtime, buyer, make_user):
    holds.hold_seats(showtime=showtime, seat_codes=["2-4"], user=make_user())
    with pytest.raises(Conflict) as exc:
        checkout.start_checkout(showtime=showtime, seat_codes=["2-3", "2-4"], user=buyer)
    assert exc.value.code == TicketingErrorCode.SEATS_UNAVAILABLE
    assert not checkout.checkout_failed_after_hold(exc.value)
    assert states(showtime, "2-3") == ["free"]
    assert not Order.objects.exists()


def test_an_order_that_cannot_be_opened_releases_the_hold(showtime, buyer, monkeypatch):
    def refuse(**kwargs):
        raise Conflict(TicketingErrorCode.HOLD_EXPIRED, "too late")

    monkeypatch.setattr(orders, "create_order_from_hold", refuse)
    with pytest.raises(Conflict) as exc:
        checkout.start_checkout(showtime=showtime, seat_codes=["2-3"], user=buyer)
    assert exc.value.code == TicketingErrorCode.HOLD_EXPIRED
    assert checkout.checkout_failed_after_hold(exc.value)
    assert states(showtime, "2-3") == ["free"]
    assert Hold.objects.get(user=buyer).status == Hold.Status.RELEASED
    assert not Order.objects.exists()
