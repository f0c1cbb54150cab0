"""Refunds: the venue's cutoff and fee, used tickets, partial refunds, seats back on sale, money back."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from marquee.accounts.models import Role
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.core.models import OutboxEvent
from marquee.core.money import Money
from marquee.payments.models import Refund
from marquee.ticketing import events
from marquee.ticketing.models import Order, OrderRefund, RoundAllowance, Ticket
from marquee.ticketing.seatmap import seat_map
from marquee.ticketing.services import checkin, holds, orders, rounds
from marquee.ticketing.services.refunds import quote_refund, refund_cutoff, refund_tickets

from .buying import buy, payment_of, seat_states, tickets
from .conftest import FEE, PRICES, make_showtime

pytestmark = pytest.mark.django_db

STANDARD = PRICES["standard"] + FEE  # what one standard ticket cost: 4800


@pytest.fixture
def venue_fee(world):
    world.venue.refund_fee_minor = 500
    world.venue.refund_cutoff_minutes = 60
    world.venue.save()
    return 500


@pytest.fixture
def order(showtime, buyer, venue_fee):
    return buy(showtime, buyer, "2-3", "2-4", "2-5")


def test_refunding_every_ticket_gives_back_price_plus_fee_minus_the_venue_fee(
    order, buyer, showtime
):
    before = OutboxEvent.objects.count()
    result = refund_tickets(order=order, actor=buyer)
    assert result.amount_minor == 3 * (STANDARD - 500)
    assert result.fee_minor == 3 * 500
    assert result.order.status == Order.Status.REFUNDED
    fresh = Order.objects.get(pk=order.pk)
    assert (fresh.status, fresh.refunded_minor) == ("refunded", 3 * (STANDARD - 500))
    assert set(Ticket.objects.filter(order=order).values_list("status", flat=True)) == {"refunded"}
    # the seats are back on sale, for anyone
    assert seat_states(showtime, "2-3", "2-4", "2-5") == ["free"] * 3
    states = {s.code: s.state for s in seat_map(user=None, showtime_id=showtime.pk).seats}
    assert states["2-4"] == "free"
    # the money went back through the payment that paid the order
    payment = payment_of(order)
    assert payment.refunded_minor == result.amount_minor
    assert payment.status == "partially_refunded"  # the venue kept its fees
    # The same sums as Money, in the order's currency, from the models and the result.
    assert result.amount == fresh.refunded == payment.refunded == Money(3 * (STANDARD - 500), "CNY")
    assert result.record.fee == Money(3 * 500, "CNY")
    [refund] = Refund.objects.filter(payment=payment)
    assert refund.reason == "ticket_refund"
    assert OrderRefund.objects.get(order=order).payment_refund_id == refund.pk
    new = OutboxEvent.objects.order_by("pk")[before:]
    refunded = [e for e in new if e.type == events.TICKET_REFUNDED]
    assert len(refunded) == 3
    assert {e.payload["refund_minor"] for e in refunded} == {STANDARD - 500}
    assert {e.payload["venue_fee_minor"] for e in refunded} == {500}


def test_partial_refunds_then_the_rest(order, buyer, showtime):
    by_seat = tickets(order)
    first = refund_tickets(order=order, ticket_ids=[by_seat["2-3"].pk], actor=buyer)
    assert first.order.status == Order.Status.PARTIALLY_REFUNDED
    assert seat_states(showtime, "2-3", "2-4", "2-5") == ["free", "sold", "sold"]
    second = refund_tickets(order=order, ticket_ids=[by_seat["2-4"].pk], actor=buyer)
    assert second.order.status == Order.Status.PARTIALLY_REFUNDED
    assert Order.objects.get(pk=order.pk).refunded_minor == 2 * (STANDARD - 500)
    # the rest: "all" means every ticket that is still valid
    third = refund_tickets(order=order, actor=buyer)
    assert [t.seat.code for t in third.tickets] == ["2-5"]
    assert third.order.status == Order.Status.REFUNDED
    assert payment_of(order).refunded_minor == 3 * (STANDARD - 500)
    with pytest.raises(Conflict) as exc:
        refund_tickets(order=order, actor=buyer)
    assert exc.value.code == "order_not_refundable"


def test_the_fee_never_makes_a_refund_negative(world, showtime, buyer):
    world.venue.refund_fee_minor = 100_000
    world.venue.save()
    order = buy(showtime, buyer, "1-1")  # a wheelchair space: 3000 + 300
    result = refund_tickets(order=order, actor=buyer)
    assert result.amount_minor == 0
    assert result.fee_minor == PRICES["wheelchair"] + FEE
    assert Order.objects.get(pk=order.pk).status == Order.Status.REFUNDED
    assert not Refund.objects.exists()  # nothing to give back, no payment refund
    assert seat_states(showtime, "1-1") == ["free"]


def test_refunds_close_at_the_venue_cutoff(order, buyer, showtime):
    cutoff = refund_cutoff(showtime)
    assert cutoff == showtime.starts_at - timedelta(minutes=60)
    [ticket, *_] = tickets(order).values()
    with time_machine.travel(cutoff - timedelta(seconds=1)):
        quote = quote_refund(order=order, actor=buyer)
        assert quote.refundable and quote.window_open
        assert quote.refund_minor == 3 * (STANDARD - 500)
        assert (quote.refund, quote.fee) == (
            Money(3 * (STANDARD - 500), "CNY"),
            Money(3 * 500, "CNY"),
        )
    with time_machine.travel(cutoff):
        quote = quote_refund(order=order, actor=buyer)
        assert not quote.refundable
        assert quote.reason == "refund_window_closed"
        with pytest.raises(Conflict) as exc:
            refund_tickets(order=order, ticket_ids=[ticket.pk], actor=buyer)
    assert exc.value.code == "refund_window_closed"
    assert exc.value.detail["cutoff_at"] == cutoff.isoformat()
    assert Ticket.objects.get(pk=ticket.pk).status == "valid"
    assert seat_states(showtime, "2-3") == ["sold"]
    assert not OrderRefund.objects.exists()


def test_used_tickets_are_not_refundable(order, buyer, showtime, world):
    by_seat = tickets(order)
    with time_machine.travel(showtime.starts_at - timedelta(minutes=90)):
        # doors opened early for this test: admit one before the refund cutoff
        Ticket.objects.filter(pk=by_seat["2-3"].pk).update(
            valid_from=showtime.starts_at - timedelta(minutes=120)
        )
        result = checkin.check_in(code=by_seat["2-3"].code, venue=world.venue, actor=world.operator)
        assert result.verdict == "valid"
        with pytest.raises(Conflict) as exc:
            refund_tickets(order=order, ticket_ids=[by_seat["2-3"].pk], actor=buyer)
        assert exc.value.code == "ticket_not_refundable"
        assert exc.value.detail["tickets"] == [{"id": by_seat["2-3"].pk, "status": "used"}]
        quote = quote_refund(order=order, actor=buyer)
        assert quote.refundable  # the other two still are
        assert {line.seat_code: line.refundable for line in quote.lines} == {
            "2-3": False,
            "2-4": True,
            "2-5": True,
        }
        # "refund everything" refunds what can be refunded and leaves the used ticket
        rest = refund_tickets(order=order, actor=buyer)
    assert sorted(t.seat.code for t in rest.tickets) == ["2-4", "2-5"]
    assert rest.order.status == Order.Status.PARTIALLY_REFUNDED
    assert Ticket.objects.get(pk=by_seat["2-3"].pk).status == "used"
    assert seat_states(showtime, "2-3", "2-4") == ["sold", "free"]


def test_only_the_owner_or_an_admin_refunds(order, make_user):
    with pytest.raises(NotFound):
        refund_tickets(order=order, actor=make_user())
    with pytest.raises(NotFound):
        quote_refund(order=order, actor=make_user())
    admin = make_user(role=Role.ADMIN)
    assert refund_tickets(order=order, actor=admin).order.status == "refunded"


def test_tickets_of_another_order_are_refused(order, buyer, showtime):
    other = buy(showtime, buyer, "4-1")
    with pytest.raises(DomainError) as exc:
        refund_tickets(order=order, ticket_ids=[tickets(other)["4-1"].pk], actor=buyer)
    assert exc.value.code == "unknown_tickets"
    with pytest.raises(DomainError) as exc:
        refund_tickets(order=order, ticket_ids=[], actor=buyer)
    assert exc.value.code == "nothing_to_refund"
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_a_pending_order_is_not_refundable(showtime, buyer):
    hold = holds.hold_seats(showtime=showtime, seat_codes=["3-3"], user=buyer)
    pending = orders.create_order_from_hold(hold=hold, user=buyer)
    with pytest.raises(Conflict) as exc:
        refund_tickets(order=pending, actor=buyer)
    assert exc.value.code == "order_not_refundable"


def test_idempotency_key_replays_and_refuses_another_request(order, buyer):
    by_seat = tickets(order)
    first = refund_tickets(
        order=order, ticket_ids=[by_seat["2-3"].pk], actor=buyer, idempotency_key="k1"
    )
    again = refund_tickets(
        order=order, ticket_ids=[by_seat["2-3"].pk], actor=buyer, idempotency_key="k1"
    )
    assert again.replayed and not first.replayed
    assert again.record.pk == first.record.pk
    assert OrderRefund.objects.count() == 1
    assert Refund.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        refund_tickets(
            order=order, ticket_ids=[by_seat["2-4"].pk], actor=buyer, idempotency_key="k1"
        )
    assert exc.value.code == "idempotency_key_reused"
    assert exc.value.status == 422


def test_a_round_purchase_gives_its_allowance_back(world, make_user):
    now = timezone.now()
    showtime = make_showtime(
        world, starts_at=now + timedelta(days=10), sales_open_at=now + timedelta(days=5)
    )
    presale = rounds.create_presale_round(
        actor=make_user(role=Role.DISTRIBUTION),
        title=world.title,
        name="Early",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=4),
        per_account_limit=2,
    )
    fan = make_user()
    order = buy(showtime, fan, "2-1", "2-2")
    assert order.round_id == presale.pk
    assert RoundAllowance.objects.get(round=presale, user=fan).tickets == 2
    refund_tickets(order=order, ticket_ids=[tickets(order)["2-1"].pk], actor=fan)
    assert RoundAllowance.objects.get(round=presale, user=fan).tickets == 1
    # the seat given back can be bought again within the limit
    assert buy(showtime, fan, "2-7").round_id == presale.pk


def test_an_order_paid_outside_the_provider_records_what_is_owed(world, buyer):
    free = make_showtime(
        world,
        starts_at=timezone.now() + timedelta(days=4),
        prices=dict.fromkeys(PRICES, 0),
        service_fee_minor=0,
    )
    order = buy(free, buyer, "2-2")
    assert order.payment_id is None
    result = refund_tickets(order=order, actor=buyer)
    assert (result.amount_minor, result.payment_refund_id) == (0, None)
    assert result.order.status == "refunded"
