"""Exchanges: the rules, atomicity (old seats freed only once the new ones are taken), money."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from marquee.accounts.models import Role
from marquee.catalog.models import Title
from marquee.core.errors import Conflict, DomainError, NotFound
from marquee.core.models import OutboxEvent
from marquee.core.money import Money
from marquee.payments.models import Refund
from marquee.ticketing import etickets, events
from marquee.ticketing.models import (
    Hold,
    Order,
    OrderRefund,
    RoundAllowance,
    Ticket,
    TicketExchange,
)
from marquee.ticketing.services import holds
from marquee.ticketing.services.exchanges import exchange_tickets
from marquee.ticketing.services.refunds import refund_cutoff

from .buying import buy, payment_of, seat_states, tickets
from .conftest import (
    FEE,
    PRICES,
    build_hall,
    build_world,
    make_presale_round,
    make_presale_showtime,
    make_showtime,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def later(world, showtime):
    return make_showtime(world, starts_at=showtime.starts_at + timedelta(hours=4))


@pytest.fixture
def order(showtime, buyer):
    return buy(showtime, buyer, "3-4", "3-5")  # two VIP seats


def ids(order, *codes):
    by_seat = tickets(order)
    return [by_seat[c].pk for c in codes]


def exchange(order, later, *, actor, old=("3-4", "3-5"), new=("3-1", "3-2")):
    """Exchange seats ``old`` of ``order`` for seats ``new`` of ``later``."""
    return exchange_tickets(
        order=order,
        ticket_ids=ids(order, *old),
        new_showtime=later,
        seat_codes=list(new),
        actor=actor,
    )


def refusal(order, *, later, actor, old=("3-4",), new=("3-1",), error=DomainError):
    """The error with which exchanging seats ``old`` of ``order`` for ``new`` of ``later`` fails."""
    with pytest.raises(error) as exc:
        exchange(order, later, old=old, new=new, actor=actor)
    return exc.value


def test_exchange_moves_tickets_to_the_new_seats(order, buyer, showtime, later):
    before = OutboxEvent.objects.count()
    result = exchange(order, later, actor=buyer)
    assert result.order.status == Order.Status.EXCHANGED
    assert result.refunded_minor == 0
    new_order = result.new_order
    assert (new_order.status, new_order.showtime_id, new_order.user_id) == (
        "paid",
        later.pk,
        buyer.pk,
    )
    assert new_order.payment_id == order.payment_id
    assert new_order.total_minor == 2 * (PRICES["vip"] + FEE)
    # the old seats are back on sale; the new ones sold; tickets signed for the new seats
    assert seat_states(showtime, "3-4", "3-5") == ["free", "free"]
    assert seat_states(later, "3-1", "3-2") == ["sold", "sold"]
    new = tickets(new_order)
    assert sorted(new) == ["3-1", "3-2"]
    for code, ticket in new.items():
        claims = etickets.verify_ticket(ticket.code)
        assert (claims.showtime_id, claims.seat) == (later.pk, code)
        assert ticket.status == "valid"
    old = tickets(order)
    assert {t.status for t in old.values()} == {"exchanged"}
    assert old["3-4"].replaced_by_id == new["3-1"].pk
    assert old["3-5"].replaced_by_id == new["3-2"].pk
    exchanged = OutboxEvent.objects.filter(type=events.TICKET_EXCHANGED, pk__gt=0).order_by("pk")
    assert exchanged.count() == 2
    assert {e.payload["new_showtime_id"] for e in exchanged} == {later.pk}
    assert OutboxEvent.objects.count() == before + 2
    assert not Refund.objects.exists()


def test_cheaper_seats_refund_the_difference(order, buyer, later):
    result = exchange_tickets(
        order=order,
        ticket_ids=ids(order, "3-4"),
        new_showtime=later,
        seat_codes=["4-4"],
        actor=buyer,
    )
    difference = PRICES["vip"] - PRICES["standard"]
    assert result.refunded_minor == difference
    assert result.refunded == Money(difference, result.order.currency)
    assert result.exchange.old_value - result.exchange.new_value == result.refunded
    # one ticket still admits: the old order is partially refunded
    assert result.order.status == Order.Status.PARTIALLY_REFUNDED
    assert Order.objects.get(pk=order.pk).refunded_minor == difference
    record = OrderRefund.objects.get(order=order)
    assert (record.reason, record.amount_minor, record.fee_minor) == (
        "exchange_difference",
        difference,
        0,
    )
    assert payment_of(order).refunded_minor == difference
    assert Refund.objects.get().reason == "exchange_difference"
    exchange = TicketExchange.objects.get()
    assert (exchange.old_value_minor, exchange.new_value_minor) == (
        PRICES["vip"] + FEE,
        PRICES["standard"] + FEE,
    )


def test_dearer_seats_are_refused_and_nothing_changes(showtime, buyer, later):
    order = buy(showtime, buyer, "2-4")  # standard
    refused = refusal(order, later=later, actor=buyer, old=["2-4"], new=["3-4"])  # to VIP
    assert refused.code == "exchange_costs_more"
    assert refused.detail["difference_minor"] == PRICES["vip"] - PRICES["standard"]
    assert Ticket.objects.get(order=order).status == "valid"
    assert seat_states(later, "3-4") == ["free"]
    assert not Order.objects.filter(showtime=later).exists()


def test_if_a_new_seat_is_taken_the_old_seats_stay_sold(order, buyer, showtime, later, make_user):
    holds.place_hold(showtime=later, seat_codes=["3-2"], user=make_user())
    refused = refusal(
        order, later=later, actor=buyer, old=["3-4", "3-5"], new=["3-1", "3-2"], error=Conflict
    )
    assert refused.code == "seats_unavailable"
    assert refused.detail["seats"] == ["3-2"]
    assert seat_states(showtime, "3-4", "3-5") == ["sold", "sold"]
    assert seat_states(later, "3-1", "3-2") == ["free", "held"]
    assert {t.status for t in tickets(order).values()} == {"valid"}
    assert Order.objects.get(pk=order.pk).status == "paid"
    assert not Order.objects.filter(showtime=later).exists()
    assert not Hold.objects.filter(showtime=later, user=buyer).exists()
    assert not TicketExchange.objects.exists()


def test_an_expired_hold_on_a_new_seat_does_not_block(order, buyer, later, make_user):
    other = holds.place_hold(showtime=later, seat_codes=["3-2"], user=make_user()).hold
    with time_machine.travel(other.expires_at + timedelta(seconds=1)):
        result = exchange(order, later, actor=buyer)
    assert seat_states(later, "3-1", "3-2") == ["sold", "sold"]
    assert result.new_order.hold.status == Hold.Status.COMPLETED


def test_the_rules(world, order, buyer, showtime, later, make_user):
    def attempt(**kwargs):
        kwargs.setdefault("ticket_ids", ids(order, "3-4", "3-5"))
        kwargs.setdefault("new_showtime", later)
        kwargs.setdefault("seat_codes", ["3-1", "3-2"])
        kwargs.setdefault("actor", buyer)
        with pytest.raises((DomainError, Conflict)) as exc:
            exchange_tickets(order=order, **kwargs)
        return exc.value.code

    assert attempt(seat_codes=["3-1"]) == "exchange_seat_count"
    assert attempt(seat_codes=["5-1", "3-2"]) == "couple_seat_alone"
    assert attempt(seat_codes=["3-1", "99-1"]) == "unknown_seats"
    assert attempt(new_showtime=showtime) == "exchange_same_showtime"
    other_film = Title.objects.create(
        slug="other-film", original_title="Other", title_en="Other", runtime_minutes=90
    )
    assert (
        attempt(
            new_showtime=make_showtime(
                world, title=other_film, starts_at=later.ends_at + timedelta(hours=1)
            )
        )
        == "exchange_other_title"
    )
    elsewhere = build_world(make_user)
    elsewhere.title = world.title
    assert attempt(new_showtime=make_showtime(elsewhere)) == "exchange_other_venue"
    refusal(order, later=later, actor=make_user(), error=NotFound)
    with time_machine.travel(refund_cutoff(showtime)):
        assert attempt() == "exchange_window_closed"
    world.venue.exchange_allowed = False
    world.venue.save()
    assert attempt() == "exchange_not_allowed"
    assert {t.status for t in tickets(order).values()} == {"valid"}


def test_a_used_ticket_is_not_exchanged(order, buyer, later):
    Ticket.objects.filter(pk=ids(order, "3-4")[0]).update(status="used")
    refused = refusal(order, later=later, actor=buyer, error=Conflict)
    assert refused.code == "ticket_not_exchangeable"


def test_a_cancelled_or_started_target_is_refused(world, order, buyer, later):
    from marquee.ticketing.services.showtimes import cancel_showtime

    cancel_showtime(actor=world.operator, showtime=later)
    refused = refusal(order, later=later, actor=buyer, error=Conflict)
    assert refused.code == "showtime_not_on_sale"


def test_the_exchanged_tickets_can_be_exchanged_or_refunded_again(order, buyer, world, later):
    from marquee.ticketing.services.refunds import refund_tickets

    first = exchange(order, later, actor=buyer)
    refunded = refund_tickets(order=first.new_order, actor=buyer)
    assert refunded.order.status == "refunded"
    assert refunded.amount_minor == 2 * (PRICES["vip"] + FEE)
    # the one payment paid both orders and was refunded in full
    payment = payment_of(order)
    assert payment.refunded_minor == payment.amount_minor
    assert payment.status == "refunded"


def test_idempotency_key(order, buyer, later):
    args = {
        "order": order,
        "ticket_ids": ids(order, "3-4"),
        "new_showtime": later,
        "seat_codes": ["3-1"],
        "actor": buyer,
        "idempotency_key": "swap-1",
    }
    first = exchange_tickets(**args)
    again = exchange_tickets(**args)
    assert again.replayed
    assert again.new_order.pk == first.new_order.pk
    assert TicketExchange.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        exchange_tickets(**{**args, "seat_codes": ["3-2"]})
    assert exc.value.code == "idempotency_key_reused"


def test_a_presale_exchange_moves_the_round_allowance(world, make_user):
    now = timezone.now()
    staff = make_user(role=Role.DISTRIBUTION)
    first = make_presale_showtime(world, now=now)
    second_hall, _ = build_hall(world.venue, name="Hall 2")
    second = make_showtime(
        world,
        hall=second_hall,
        starts_at=now + timedelta(days=11),
        sales_open_at=now + timedelta(days=5),
    )
    presale = make_presale_round(world, staff, now=now, name="Pre-sale", per_account_limit=2)
    fan = make_user()
    order = buy(first, fan, "2-1", "2-2")
    exchange_tickets(
        order=order,
        ticket_ids=ids(order, "2-1", "2-2"),
        new_showtime=second,
        seat_codes=["2-5", "2-6"],
        actor=fan,
    )
    # the same round: the count is unchanged, the limit still holds
    assert RoundAllowance.objects.get(round=presale, user=fan).tickets == 2
    with pytest.raises(Conflict) as exc:
        holds.place_hold(showtime=second, seat_codes=["2-7"], user=fan)
    assert exc.value.code == "round_limit_exceeded"
