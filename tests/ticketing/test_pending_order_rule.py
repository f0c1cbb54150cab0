"""One order to pay at a time: no new seats of a showtime while an order for it waits for payment.

Issue 14 (Broken 6): back on the seat map a buyer could hold a second set of
seats beside the order they had not paid yet. The rule lives in the holding
and ordering services, so the seat page, the API and any other caller apply it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import override

from marquee.core.errors import Conflict
from marquee.ticketing.errors import TicketingErrorCode
from marquee.ticketing.models import Hold, Order, SeatInventory
from marquee.ticketing.services import holds, orders
from marquee.ticketing.services.checkout import start_checkout

from .api_calls import post, problem
from .buying import buy, seat_states
from .conftest import make_showtime

pytestmark = pytest.mark.django_db


def _pending(showtime, user, *codes) -> Order:
    return start_checkout(showtime=showtime, seat_codes=list(codes), user=user)


def test_a_second_hold_is_refused_while_an_order_waits_and_holds_nothing(showtime, buyer):
    first = _pending(showtime, buyer, "2-1", "2-2")
    with pytest.raises(Conflict) as exc:
        holds.place_hold(showtime=showtime, seat_codes=["3-1"], user=buyer)
    assert exc.value.code == TicketingErrorCode.PENDING_ORDER_EXISTS
    assert exc.value.status == 409
    assert exc.value.detail == {"order_id": first.pk}
    assert seat_states(showtime, "3-1") == ["free"]
    assert Hold.objects.filter(user=buyer).count() == 1
    # The first order is untouched and still payable.
    first.refresh_from_db()
    assert first.status == Order.Status.PENDING
    assert seat_states(showtime, "2-1", "2-2") == ["held", "held"]


def test_checkout_is_refused_too_and_leaves_no_hold_behind(showtime, buyer):
    first = _pending(showtime, buyer, "2-1")
    with pytest.raises(Conflict) as exc:
        _pending(showtime, buyer, "4-1", "4-2")
    assert exc.value.detail["order_id"] == first.pk
    assert seat_states(showtime, "4-1", "4-2") == ["free", "free"]
    assert Order.objects.filter(user=buyer).count() == 1


def test_the_message_names_the_order_in_each_language(showtime, buyer):
    first = _pending(showtime, buyer, "2-1")
    with pytest.raises(Conflict) as exc:
        _pending(showtime, buyer, "4-1")
    with override("en"):
        assert f"You already have order {first.pk} waiting for payment" in exc.value.msg
    with override("zh-hans"):
        assert f"订单 {first.pk}" in exc.value.msg and "待支付" in exc.value.msg
    with override("zh-hant"):
        assert f"訂單 {first.pk}" in exc.value.msg and "待付款" in exc.value.msg


@pytest.mark.parametrize("end", ["paid", "cancelled", "lapsed"])
def test_once_the_order_is_paid_cancelled_or_lapsed_new_seats_may_be_held(showtime, buyer, end):
    if end == "paid":
        buy(showtime, buyer, "2-1")
    else:
        first = _pending(showtime, buyer, "2-1")
        if end == "cancelled":
            orders.cancel_order(order=first, user=buyer)
    later = timezone.now() + (timedelta(minutes=11) if end == "lapsed" else timedelta(0))
    with time_machine.travel(later):
        second = _pending(showtime, buyer, "4-1")
    assert second.status == Order.Status.PENDING


def test_the_rule_is_per_showtime_and_per_account(world, showtime, buyer, make_user):
    _pending(showtime, buyer, "2-1")
    other_showtime = make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))
    assert _pending(other_showtime, buyer, "2-1").status == Order.Status.PENDING
    assert _pending(showtime, make_user(), "2-2").status == Order.Status.PENDING


def test_two_holds_taken_before_either_ordered_cannot_both_become_orders(showtime, buyer):
    """The API's two steps: hold, hold, then order each — the second order is refused."""
    a = holds.place_hold(showtime=showtime, seat_codes=["2-1"], user=buyer).hold
    b = holds.place_hold(showtime=showtime, seat_codes=["2-2"], user=buyer).hold
    first = orders.place_order(hold=a, user=buyer).order
    with pytest.raises(Conflict) as exc:
        orders.place_order(hold=b, user=buyer)
    assert exc.value.code == TicketingErrorCode.PENDING_ORDER_EXISTS
    assert exc.value.detail == {"order_id": first.pk}
    assert Order.objects.filter(user=buyer).count() == 1
    # The hold without an order stays the buyer's to release.
    assert (
        SeatInventory.objects.get(showtime=showtime, seat__row_label="2", seat__number="2").state
        == "held"
    )


def test_the_api_answers_problem_json_pointing_to_the_order(showtime, buyer, client_for):
    client = client_for(buyer)
    held = post(client, "/holds", {"showtime_id": showtime.pk, "seats": ["2-1"]})
    assert held.status_code == 201, held.content
    ordered = post(
        client, "/orders", {"hold_id": held.json()["id"]}, HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
    )
    assert ordered.status_code == 201, ordered.content
    body = problem(
        post(client, "/holds", {"showtime_id": showtime.pk, "seats": ["3-1"]}),
        409,
        "pending_order_exists",
    )
    assert body["order_id"] == ordered.json()["id"]
    assert str(ordered.json()["id"]) in body["detail"]
