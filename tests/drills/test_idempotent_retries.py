"""Drill (d): a client retries with the same Idempotency-Key, concurrently → one order, one payment.

Sixteen copies of the same request leave the client at the same instant
(a retry storm after a timeout). The server must create exactly one order
(and, for ``/pay``, one payment); every answer is either the first
response replayed (same status, same body) or ``409
idempotency_request_in_progress`` while the first is still running — never
a 5xx, never a second order.
"""

from __future__ import annotations

import uuid

import pytest

from marquee.payments.models import Payment
from marquee.ticketing.models import Order

from .conftest import Api, check_invariants, together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

COPIES = 16


def _settle(replies, *, ok_status: int) -> list:
    statuses = sorted({r.status for r in replies})
    assert not [r for r in replies if r.status >= 500], replies
    assert set(statuses) <= {ok_status, 409}, replies
    assert all(r.code == "idempotency_request_in_progress" for r in replies if r.status == 409)
    winners = [r for r in replies if r.status == ok_status]
    assert winners, "no copy got through"
    assert all(r.data == winners[0].data for r in winners), "replays differ from the first response"
    return winners


def test_concurrent_retries_with_one_key_create_one_order_and_one_payment(drill_world, serve):
    server = serve(workers=2, threads=8)
    buyer = Api(server, drill_world.tokens[0])
    showtime = drill_world.hot[0]
    hold = buyer.hold(showtime, ["12-20", "12-21"])
    assert hold.status == 201, hold

    key = f"retry-{uuid.uuid4().hex}"
    replies = together([lambda: buyer.order(hold.data["id"], key=key)] * COPIES)
    winners = _settle(replies, ok_status=201)
    assert Order.objects.filter(hold_id=hold.data["id"]).count() == 1
    order = winners[0].data
    # Once the first has finished, a late retry is answered from the record.
    late = buyer.order(hold.data["id"], key=key)
    assert (late.status, late.data) == (201, order)
    # The same key for another request is refused, not replayed (a hold at the other hot
    # showtime: at this one the buyer's order is pending).
    other = buyer.hold(drill_world.hot[1], ["12-22"])
    misuse = buyer.order(other.data["id"], key=key)
    assert (misuse.status, misuse.code) == (422, "idempotency_key_reused")

    pay_key = f"pay-{uuid.uuid4().hex}"
    replies = together([lambda: buyer.pay(order["id"], key=pay_key)] * COPIES)
    paid = _settle(replies, ok_status=200)
    assert Payment.objects.filter(reference=str(order["id"])).count() == 1
    payment_id = paid[0].data["payment_id"]
    assert buyer.authorize(payment_id).status == 200
    tickets = buyer.tickets(order["id"])
    assert sorted(t["seat"]["code"] for t in tickets.data) == ["12-20", "12-21"]
    check_invariants([showtime])


def test_concurrent_orders_with_different_keys_for_one_hold_make_one_order(drill_world, serve):
    server = serve(workers=2, threads=8)
    buyer = Api(server, drill_world.tokens[1])
    showtime = drill_world.hot[0]
    hold = buyer.hold(showtime, ["10-18"])
    assert hold.status == 201, hold

    replies = together([lambda: buyer.order(hold.data["id"], key=uuid.uuid4().hex)] * COPIES)
    assert not [r for r in replies if r.status >= 500], replies
    created = [r for r in replies if r.status == 201]
    assert len(created) == 1, replies
    refused = [r for r in replies if r.status != 201]
    assert {(r.status, r.code) for r in refused} == {(409, "hold_already_ordered")}, refused
    assert all(r.data["order_id"] == created[0].data["id"] for r in refused)
    assert Order.objects.filter(hold_id=hold.data["id"]).count() == 1
    check_invariants([showtime])
