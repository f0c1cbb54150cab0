"""One account holds at most MARQUEE_MAX_HELD_SEATS_PER_SHOWTIME seats of a showtime at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from marquee.core.errors import Conflict
from marquee.ticketing.models import Hold, HoldQuota, SeatInventory
from marquee.ticketing.services import holds, orders

from .buying import buy, seat_states
from .conftest import make_showtime

pytestmark = pytest.mark.django_db


def test_holds_past_the_cap_are_refused_and_hold_nothing(showtime, buyer):
    holds.place_hold(showtime=showtime, seat_codes=["2-1", "2-2", "2-3", "2-4"], user=buyer)
    with pytest.raises(Conflict) as exc:
        holds.place_hold(showtime=showtime, seat_codes=["3-1", "3-2", "3-3"], user=buyer)
    assert exc.value.code == "held_seats_limit"
    assert exc.value.detail == {"limit": 6, "held": 4, "requested": 3}
    assert "at most 6 seats" in exc.value.message
    assert seat_states(showtime, "3-1", "3-2", "3-3") == ["free", "free", "free"]
    assert Hold.objects.filter(user=buyer).count() == 1
    # Up to the cap is fine.
    holds.place_hold(showtime=showtime, seat_codes=["3-1", "3-2"], user=buyer)
    assert SeatInventory.objects.filter(showtime=showtime, state="held").count() == 6


def test_the_cap_is_per_account_and_per_showtime(world, showtime, buyer, make_user):
    holds.place_hold(showtime=showtime, seat_codes=[f"2-{n}" for n in range(1, 7)], user=buyer)
    other_showtime = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))
    holds.place_hold(showtime=other_showtime, seat_codes=["2-1", "2-2"], user=buyer)
    holds.place_hold(showtime=showtime, seat_codes=["3-1", "3-2"], user=make_user())
    assert HoldQuota.objects.filter(user=buyer).count() == 2


def test_released_expired_and_paid_holds_no_longer_count(showtime, buyer):
    buy(showtime, buyer, "1-3", "1-4")  # a paid hold is sold seats, not held ones
    first = holds.place_hold(showtime=showtime, seat_codes=["2-1", "2-2", "2-3"], user=buyer).hold
    holds.place_hold(showtime=showtime, seat_codes=["2-4", "2-5", "2-6"], user=buyer)
    holds.release_hold(hold=first, user=buyer)
    holds.place_hold(showtime=showtime, seat_codes=["3-1", "3-2", "3-3"], user=buyer)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        # Both holds lapsed (no job ran): six more seats may be held.
        holds.place_hold(showtime=showtime, seat_codes=[f"4-{n}" for n in range(1, 7)], user=buyer)


def test_a_pending_order_keeps_its_seats_counted(showtime, buyer):
    # A hold without an order yet (the API's two steps) counts against the cap …
    holds.place_hold(showtime=showtime, seat_codes=["2-1", "2-2", "2-3", "2-4"], user=buyer)
    with pytest.raises(Conflict, match="you hold 4"):
        holds.place_hold(showtime=showtime, seat_codes=["3-1", "3-2", "3-3"], user=buyer)
    # … and once it is an order waiting for payment no further seats are held at all
    # (tests/ticketing/test_pending_order_rule.py).
    hold = Hold.objects.get(user=buyer)
    orders.place_order(hold=hold, user=buyer)
    with pytest.raises(Conflict) as exc:
        holds.place_hold(showtime=showtime, seat_codes=["3-1"], user=buyer)
    assert exc.value.code == "pending_order_exists"


def test_the_cap_is_a_setting(showtime, buyer, settings):
    settings.MARQUEE_MAX_HELD_SEATS_PER_SHOWTIME = 2
    holds.place_hold(showtime=showtime, seat_codes=["2-1", "2-2"], user=buyer)
    with pytest.raises(Conflict) as exc:
        holds.place_hold(showtime=showtime, seat_codes=["3-1"], user=buyer)
    assert exc.value.detail["limit"] == 2


def test_the_api_answers_a_problem_with_a_stable_code(showtime, buyer, client_for):
    client = client_for(buyer)

    def hold(*codes):
        return client.post(
            "/api/v1/ticketing/holds",
            {"showtime_id": showtime.pk, "seats": list(codes)},
            content_type="application/json",
        )

    assert hold("2-1", "2-2", "2-3", "2-4", "2-5").status_code == 201
    refused = hold("3-1", "3-2")
    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    body = refused.json()
    assert (body["code"], body["limit"], body["held"], body["requested"]) == (
        "held_seats_limit",
        6,
        5,
        2,
    )
