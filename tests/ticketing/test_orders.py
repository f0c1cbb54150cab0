"""Orders: totals, one order per hold, the state machine, paying and fulfilment."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from marquee.core.errors import Conflict, NotFound
from marquee.core.models import OutboxEvent
from marquee.payments.models import Payment
from marquee.ticketing import etickets, events
from marquee.ticketing.models import (
    Hold,
    Order,
    OrderLine,
    SeatInventory,
    Ticket,
)
from marquee.ticketing.services import holds, orders
from marquee.ticketing.services.fulfilment import fulfil_paid_order
from marquee.ticketing.services.order_states import ORDER_TRANSITIONS, change_order_status

from .conftest import FEE, PRICES, make_showtime

pytestmark = pytest.mark.django_db


def fake_payment(order: Order, **overrides) -> SimpleNamespace:
    values = {
        "pk": uuid.uuid4(),
        "reference": str(order.pk),
        "amount_minor": order.total_minor,
        "currency": order.currency,
        "payer_id": order.user_id,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def pay(order: Order, **overrides) -> bool:
    """What payments does on success: call the purpose handler inside its transaction."""
    with transaction.atomic():
        return fulfil_paid_order(fake_payment(order, **overrides))


def states(showtime, *codes):
    rows = {
        r.seat.code: r.state
        for r in SeatInventory.objects.filter(showtime=showtime).select_related("seat")
    }
    return [rows[c] for c in codes]


@pytest.fixture
def order(showtime, buyer) -> Order:
    hold = holds.hold_seats(showtime=showtime, seat_codes=["3-4", "3-5"], user=buyer)
    return orders.create_order_from_hold(hold=hold, user=buyer)


def test_order_total_is_seat_prices_plus_fee_per_ticket(showtime, buyer):
    hold = holds.hold_seats(
        showtime=showtime, seat_codes=["2-1", "3-1", "5-1", "5-2", "1-1"], user=buyer
    )
    order = orders.create_order_from_hold(hold=hold, user=buyer)
    lines = {line.seat.code: line for line in order.lines.select_related("seat")}
    assert {c: (line.seat_type, line.price_minor) for c, line in lines.items()} == {
        "1-1": ("wheelchair", PRICES["wheelchair"]),
        "2-1": ("standard", PRICES["standard"]),
        "3-1": ("vip", PRICES["vip"]),
        "5-1": ("couple", PRICES["couple"]),
        "5-2": ("couple", PRICES["couple"]),
    }
    subtotal = sum(line.price_minor for line in lines.values())
    assert order.subtotal_minor == subtotal == 3000 + 4500 + 6500 + 9000 + 9000
    assert order.fees_minor == 5 * FEE
    assert order.total_minor == subtotal + 5 * FEE
    assert order.currency == "CNY"
    assert order.status == Order.Status.PENDING


def test_one_order_per_hold(order, buyer):
    with pytest.raises(Conflict) as exc:
        orders.create_order_from_hold(hold=order.hold, user=buyer)
    assert exc.value.code == "hold_already_ordered"
    assert exc.value.detail["order_id"] == order.pk
    assert Order.objects.count() == 1


def test_orders_only_from_own_live_holds(showtime, buyer, make_user):
    hold = holds.hold_seats(showtime=showtime, seat_codes=["2-1"], user=buyer)
    with pytest.raises(NotFound):
        orders.create_order_from_hold(hold=hold, user=make_user())
    with (
        time_machine.travel(hold.expires_at + timedelta(seconds=1)),
        pytest.raises(Conflict) as exc,
    ):
        orders.create_order_from_hold(hold=hold, user=buyer)
    assert exc.value.code == "hold_expired"
    other = holds.hold_seats(showtime=showtime, seat_codes=["2-2"], user=buyer)
    holds.release_hold(hold=other, user=buyer)
    with pytest.raises(Conflict) as exc:
        orders.create_order_from_hold(hold=other, user=buyer)
    assert exc.value.code == "hold_not_active"
    assert not Order.objects.exists()


S = Order.Status


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        (S.PENDING, S.PAID, True),
        (S.PENDING, S.EXPIRED, True),
        (S.PENDING, S.CANCELLED, True),
        (S.PENDING, S.REFUNDED, False),
        (S.PAID, S.REFUNDED, True),
        (S.PAID, S.PARTIALLY_REFUNDED, True),
        (S.PAID, S.EXCHANGED, True),
        (S.PAID, S.PENDING, False),
        (S.PAID, S.CANCELLED, False),
        (S.PARTIALLY_REFUNDED, S.REFUNDED, True),
        (S.PARTIALLY_REFUNDED, S.PARTIALLY_REFUNDED, True),
        (S.REFUNDED, S.PAID, False),
        (S.EXPIRED, S.PAID, False),
        (S.CANCELLED, S.PAID, False),
        (S.EXCHANGED, S.REFUNDED, False),
    ],
)
def test_order_state_machine(order, start, to, allowed):
    Order.objects.filter(pk=order.pk).update(status=start)
    order.refresh_from_db()
    if allowed:
        change_order_status(order=order, to=to)
        assert Order.objects.get(pk=order.pk).status == to
    else:
        with pytest.raises(Conflict) as exc:
            change_order_status(order=order, to=to)
        assert exc.value.code == "invalid_order_transition"
        assert Order.objects.get(pk=order.pk).status == start


def test_every_status_has_transitions_listed():
    assert set(ORDER_TRANSITIONS) == set(Order.Status.values)


def test_pending_order_reads_expired_once_its_hold_lapsed(order):
    assert order.current_status() == "pending"
    with time_machine.travel(order.hold.expires_at + timedelta(seconds=1)):
        assert Order.objects.select_related("hold").get(pk=order.pk).current_status() == "expired"


def test_fulfilment_sells_seats_issues_signed_tickets_and_publishes(order, showtime):
    before = OutboxEvent.objects.count()
    payment = fake_payment(order)
    with transaction.atomic():
        assert fulfil_paid_order(payment) is True
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.paid_at is not None
    assert order.payment_id == payment.pk
    assert Hold.objects.get(pk=order.hold_id).status == Hold.Status.COMPLETED
    assert states(showtime, "3-4", "3-5") == ["sold", "sold"]
    tickets = list(Ticket.objects.filter(order=order).select_related("seat"))
    assert sorted(t.seat.code for t in tickets) == ["3-4", "3-5"]
    for ticket in tickets:
        claims = etickets.verify_ticket(ticket.code)
        assert claims.ticket_id == ticket.pk
        assert claims.seat == ticket.seat.code
        assert (claims.showtime_id, claims.venue_id, claims.hall_id) == (
            showtime.pk,
            showtime.venue_id,
            showtime.hall_id,
        )
        assert claims.valid_from == ticket.valid_from
        assert claims.valid_until == ticket.valid_until
        assert abs(ticket.valid_from - (showtime.starts_at - timedelta(minutes=60))) < timedelta(
            seconds=1
        )
        assert abs(ticket.valid_until - showtime.ends_at) < timedelta(seconds=1)
        assert ticket.status == Ticket.Status.VALID
    new = OutboxEvent.objects.order_by("pk")[before:]
    assert [e.type for e in new] == [events.ORDER_PAID, events.TICKET_ISSUED, events.TICKET_ISSUED]
    paid = new[0].payload
    assert paid["order_id"] == order.pk
    assert paid["total_minor"] == order.total_minor
    assert paid["tickets"] == 2
    assert {e.payload["seat"] for e in new[1:]} == {"3-4", "3-5"}


def test_fulfilment_after_the_hold_expired_refuses_and_frees_seats(order, showtime):
    with time_machine.travel(order.hold.expires_at + timedelta(seconds=1)):
        assert pay(order) is False
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert Hold.objects.get(pk=order.hold_id).status == Hold.Status.EXPIRED
    assert not Ticket.objects.exists()
    assert states(showtime, "3-4", "3-5") == ["free", "free"]


def test_fulfilment_when_a_seat_was_taken_after_expiry_changes_nothing(order, showtime, make_user):
    with time_machine.travel(order.hold.expires_at + timedelta(seconds=1)):
        rival = holds.hold_seats(showtime=showtime, seat_codes=["3-5", "3-6"], user=make_user())
        assert pay(order) is False
    assert not Ticket.objects.exists()
    row = SeatInventory.objects.get(showtime=showtime, seat__row_label="3", seat__number="5")
    assert (row.state, row.hold_id) == ("held", rival.pk)


@pytest.mark.parametrize(
    "overrides",
    [
        {"reference": "not-an-order"},
        {"reference": "999999"},
        {"amount_minor": 1},
        {"currency": "HKD"},
        {"payer_id": -1},
    ],
)
def test_fulfilment_refuses_a_payment_that_does_not_match(order, showtime, overrides):
    assert pay(order, **overrides) is False
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING
    assert states(showtime, "3-4", "3-5") == ["held", "held"]
    assert not Ticket.objects.exists()


def test_a_second_payment_for_a_paid_order_is_refused(order):
    assert pay(order) is True
    assert pay(order) is False
    assert Ticket.objects.filter(order=order).count() == 2


def test_a_cancelled_order_is_not_fulfilled(order, buyer, showtime):
    orders.cancel_order(order=order, user=buyer)
    assert pay(order) is False
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert states(showtime, "3-4", "3-5") == ["free", "free"]


def test_pay_order_starts_a_ticket_order_payment(order, buyer, make_user):
    started = orders.pay_order(order=order, user=buyer, return_url="/orders/1")
    payment = Payment.objects.get(pk=started.payment_id)
    assert payment.purpose == "ticket_order"
    assert payment.reference == str(order.pk)
    assert payment.amount_minor == order.total_minor
    assert payment.currency == "CNY"
    assert payment.payer_id == buyer.pk
    assert started.redirect_url == payment.redirect_url
    assert str(payment.pk) in started.redirect_url
    with pytest.raises(NotFound):
        orders.pay_order(order=order, user=make_user())


def test_pay_order_refuses_expired_and_settled_orders(order, buyer):
    with (
        time_machine.travel(order.hold.expires_at + timedelta(seconds=1)),
        pytest.raises(Conflict) as exc,
    ):
        orders.pay_order(order=order, user=buyer)
    assert exc.value.code == "order_expired"
    assert pay(order)
    with pytest.raises(Conflict) as exc:
        orders.pay_order(order=order, user=buyer)
    assert exc.value.code == "order_not_pending"
    assert not Payment.objects.exists()


def test_a_free_order_completes_without_a_payment(world, buyer):
    free = make_showtime(
        world,
        starts_at=timezone.now() + timedelta(days=5),
        prices=dict.fromkeys(PRICES, 0),
        service_fee_minor=0,
    )
    hold = holds.hold_seats(showtime=free, seat_codes=["2-1"], user=buyer)
    order = orders.create_order_from_hold(hold=hold, user=buyer)
    started = orders.pay_order(order=order, user=buyer)
    assert started.payment_id is None
    assert started.order.status == Order.Status.PAID
    assert Ticket.objects.filter(order=order).count() == 1
    assert not Payment.objects.exists()


def test_cancel_order_releases_the_hold(order, buyer, showtime):
    cancelled = orders.cancel_order(order=order, user=buyer)
    assert cancelled.status == Order.Status.CANCELLED
    assert Hold.objects.get(pk=order.hold_id).status == Hold.Status.RELEASED
    assert states(showtime, "3-4", "3-5") == ["free", "free"]
    with pytest.raises(Conflict) as exc:
        orders.cancel_order(order=order, user=buyer)
    assert exc.value.code == "order_not_pending"


def test_database_refuses_a_second_active_ticket_for_a_seat(order, showtime, make_user):
    assert pay(order)
    ticket = Ticket.objects.select_related("seat").filter(order=order).first()
    # A second order for the same seat, written behind every service's back:
    intruder = make_user()
    hold = Hold.objects.create(
        showtime=showtime, user=intruder, seat_count=1, expires_at=order.hold.expires_at
    )
    other = Order.objects.create(
        user=intruder,
        showtime=showtime,
        hold=hold,
        currency="CNY",
        subtotal_minor=4500,
        fees_minor=0,
        total_minor=4500,
    )
    line = OrderLine.objects.create(
        order=other, seat=ticket.seat, seat_type="standard", price_minor=4500, fee_minor=0
    )

    def second_ticket() -> Ticket:
        return Ticket.objects.create(
            order=other,
            line=line,
            showtime=showtime,
            seat=ticket.seat,
            valid_from=ticket.valid_from,
            valid_until=ticket.valid_until,
        )

    with pytest.raises(IntegrityError), transaction.atomic():
        second_ticket()
    # once the first ticket is refunded the seat may be sold again
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.REFUNDED)
    assert second_ticket().pk
