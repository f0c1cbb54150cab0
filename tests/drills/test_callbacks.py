"""Drill (c): the gateway's callbacks duplicated, reordered and delayed past the hold's expiry.

Whatever order and however often the signed callbacks arrive — concurrently
through the public webhook and the simulated gateway's own redelivery —
every payment ends with exactly one outcome: tickets for its order, or (when
the order can no longer be fulfilled) an automatic full refund, or failed
without money taken. Nothing paid is lost and no seat is sold twice.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from marquee.payments.models import CallbackLog, Payment, Refund, SimulatedCallback
from marquee.payments.providers.base import SIGNATURE_HEADER, sign_body
from marquee.payments.providers.sim import webhook_secret
from marquee.payments.services import FULFILMENT_FAILED
from marquee.payments.simulator import gateway
from marquee.ticketing.models import Hold, Order, SeatInventory, Ticket

from .conftest import Api, check_invariants, together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def event(payment_id: str, *, succeeded: bool) -> bytes:
    """A gateway event for the payment, as the simulated gateway writes them."""
    return gateway.event_body(Payment.objects.get(pk=payment_id), succeeded=succeeded).encode()


def post_callback(api: Api, body: bytes):
    """POST ``body`` to the public webhook, freshly signed with the gateway's secret."""
    signature = sign_body(body, secret=webhook_secret())
    return api.call(
        "POST", "/payments/webhooks/sim", raw=body, headers={SIGNATURE_HEADER: signature}
    )


def delayed_payment(api: Api, showtime: int, seats: list[str]) -> tuple[dict, dict, bytes]:
    """Order and pay; the gateway keeps its success callback back. Returns (order, pay, callback)."""
    order, pay = api.order_until_payment(showtime, seats)
    chosen = api.authorize(pay["payment_id"], outcome="delay")
    assert chosen.status == 200, chosen
    stored = SimulatedCallback.objects.get(payment_id=pay["payment_id"])
    return order, pay, stored.body.encode()


def assert_one_outcome(payment_id: str) -> str:
    """Exactly one of: tickets for its order · a full automatic refund · failed, no money kept."""
    payment = Payment.objects.get(pk=payment_id)
    order = Order.objects.get(pk=int(payment.reference))
    tickets = Ticket.objects.filter(order=order, status__in=Ticket.ACTIVE_STATUSES).count()
    refunds = list(Refund.objects.filter(payment=payment))
    accepted = CallbackLog.objects.filter(
        payment=payment, verdict=CallbackLog.Verdict.ACCEPTED
    ).count()
    assert accepted <= 1, f"{accepted} callbacks were applied to payment {payment_id}"
    if payment.status == Payment.Status.SUCCEEDED:
        assert order.payment_id == payment.pk and order.status == Order.Status.PAID
        assert tickets == order.lines.count() and not refunds
        return "tickets"
    if payment.status == Payment.Status.REFUNDED:
        assert order.payment_id != payment.pk
        assert [(r.amount_minor, r.reason) for r in refunds] == [
            (payment.amount_minor, FULFILMENT_FAILED)
        ]
        return "refund"
    assert payment.status == Payment.Status.FAILED, payment.status
    assert order.payment_id != payment.pk and not refunds
    return "failed"


def test_duplicated_callbacks_are_applied_once(drill_world, serve):
    server = serve(workers=2, threads=8)
    showtime = drill_world.hot[0]
    payments = []
    for n in range(4):
        api = Api(server, drill_world.tokens[n])
        _order, pay, body = delayed_payment(api, showtime, [f"{14 + n}-19", f"{14 + n}-20"])
        payments.append((api, pay["payment_id"], body))

    calls = []
    for api, payment_id, body in payments:
        calls += [lambda a=api, b=body: post_callback(a, b)] * 5
        calls += [lambda a=api, p=payment_id: a.call("POST", f"/payments/sim/{p}/deliver")] * 2
    replies = together(calls)
    assert all(r.status == 200 for r in replies), [r for r in replies if r.status != 200]
    for api, payment_id, _body in payments:
        assert assert_one_outcome(payment_id) == "tickets"
        again = post_callback(api, _body)  # a straggler long after: still the same answer
        assert (again.status, again.data["duplicate"]) == (200, True)
    check_invariants([showtime])


def test_reordered_success_and_failure_callbacks_leave_one_outcome(drill_world, serve):
    server = serve(workers=2, threads=8)
    showtime = drill_world.hot[0]
    rng = random.Random(5)
    outcomes = []
    for n in range(6):
        api = Api(server, drill_world.tokens[n])
        _order, pay = api.order_until_payment(showtime, [f"{5 + n}-10"])
        bodies = [
            event(pay["payment_id"], succeeded=True),
            event(pay["payment_id"], succeeded=False),
        ]
        rng.shuffle(bodies)
        if n % 2:  # one after the other, in a random order
            replies = [post_callback(api, b) for b in bodies]
        else:  # both at once
            replies = together([lambda a=api, b=b: post_callback(a, b) for b in bodies])
        assert all(r.status == 200 for r in replies), replies
        outcomes.append(assert_one_outcome(pay["payment_id"]))
    assert set(outcomes) <= {"tickets", "failed"}
    check_invariants([showtime])


def test_two_payments_for_one_order_give_tickets_once_and_refund_the_other(drill_world, serve):
    server = serve(workers=2, threads=8)
    api = Api(server, drill_world.tokens[0])
    showtime = drill_world.hot[0]
    order, first = api.order_until_payment(showtime, ["20-5", "20-6"])
    second = api.pay(order["id"])
    assert second.status == 200, second
    ids = [first["payment_id"], second.data["payment_id"]]
    for payment_id in ids:
        assert api.authorize(payment_id, outcome="delay").status == 200
    bodies = [SimulatedCallback.objects.get(payment_id=p).body.encode() for p in ids]
    replies = together([lambda b=b: post_callback(api, b) for b in bodies * 3])
    assert all(r.status == 200 for r in replies), replies
    assert sorted(assert_one_outcome(p) for p in ids) == ["refund", "tickets"]
    assert Ticket.objects.filter(order_id=order["id"]).count() == 2
    check_invariants([showtime])


def _let_hold_lapse(hold_id: int) -> None:
    """The hold's ten minutes pass: its expiry moves into the past (what the clock would do)."""
    past = timezone.now() - timedelta(seconds=1)
    Hold.objects.filter(pk=hold_id).update(expires_at=past)
    SeatInventory.objects.filter(hold_id=hold_id, state=SeatInventory.State.HELD).update(
        hold_expires_at=past
    )


def test_callbacks_delayed_past_the_hold_expiry_are_refunded(drill_world, serve):
    server = serve(workers=2, threads=8)
    showtime, other = drill_world.hot[0], drill_world.hot[1]
    late = Api(server, drill_world.tokens[0])
    rival = Api(server, drill_world.tokens[1])
    # Buyer 1's payment is held back by the gateway; meanwhile the hold lapses and a
    # rival buys the same seats. Buyer 2's hold (another showtime: one pending order per
    # showtime) just lapses, the seats stay free.
    order1, pay1, body1 = delayed_payment(late, showtime, ["18-15", "18-16"])
    order2, pay2, body2 = delayed_payment(late, other, ["19-15"])
    for order in (order1, order2):
        _let_hold_lapse(order["hold_id"])
    rival_order, rival_pay = rival.order_until_payment(showtime, ["18-15", "18-16"])
    assert rival.authorize(rival_pay["payment_id"]).status == 200

    replies = together(
        [lambda: post_callback(late, body1)] * 3
        + [lambda: post_callback(late, body2)] * 3
        + [lambda: late.call("POST", f"/payments/sim/{pay1['payment_id']}/deliver")]
        + [lambda: late.call("POST", f"/payments/sim/{pay2['payment_id']}/deliver")]
    )
    assert all(r.status == 200 for r in replies), replies
    assert assert_one_outcome(pay1["payment_id"]) == "refund"
    assert assert_one_outcome(pay2["payment_id"]) == "refund"
    assert assert_one_outcome(rival_pay["payment_id"]) == "tickets"
    assert late.call("GET", f"/ticketing/orders/{order1['id']}").data["status"] == "expired"
    assert late.tickets(order1["id"]).data == []
    lapsed_only = SeatInventory.objects.get(
        showtime_id=other, seat__row_label="19", seat__number="15"
    )
    assert (lapsed_only.state, lapsed_only.hold_id) == ("free", None)
    assert sorted(t["seat"]["code"] for t in rival.tickets(rival_order["id"]).data) == [
        "18-15",
        "18-16",
    ]
    check_invariants([showtime, other])
